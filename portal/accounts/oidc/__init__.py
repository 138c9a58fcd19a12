"""allauth's OpenID Connect provider, stricter: a nonce in every request, and every ID token's
signature checked against the provider's published keys (allauth skips that for tokens fetched
over TLS, which the standard allows; we check anyway, it costs one cached key fetch)."""

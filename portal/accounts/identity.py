"""What a single sign-on says about the person, read the same way from OIDC and SAML."""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class Identity:
    email: str
    email_verified: bool
    groups: frozenset[str]


def identity_of(sociallogin) -> Identity:
    """The email, whether the identity provider vouches for it, and the groups it lists.

    OpenID Connect: `email_verified` must be true (Okta, Google, Keycloak send it); Entra ID
    sends its optional `xms_edov` claim ("email domain owner verified") instead. SAML: the
    assertion is signed by the one identity provider this portal is configured to trust, and
    its email attribute is that provider's statement, so it counts as verified.
    """
    provider = protocol_of(sociallogin)
    data = sociallogin.account.extra_data or {}
    if provider == "saml":
        claims = dict(data)
        email = sociallogin.user.email or ""
        verified = bool(email)
    else:
        claims = {**data.get("id_token", {}), **data.get("userinfo", {})}
        email = claims.get("email") or ""
        verified = _true(claims.get("email_verified")) or _true(claims.get("xms_edov"))
    groups: set[str] = set()
    for name in settings.SSO_GROUPS_CLAIMS:
        value = claims.get(name)
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            groups.update(str(item) for item in value)
    return Identity(email=email, email_verified=bool(verified), groups=frozenset(groups))


def _true(value) -> bool:
    """A boolean claim: JSON true, or the string "true" some providers send."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def protocol_of(sociallogin) -> str:
    """ "openid_connect" or "saml": the provider class, whatever the app's id is."""
    return sociallogin.account.get_provider().id

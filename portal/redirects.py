"""Where a form may send a person afterwards: only back into this site (issue 18).

A `next` (or any return address) comes from the request, so anyone can write a link that
posts one: followed as given, our trusted address would forward people to a look-alike site
(the endorse form did). Every view that redirects to an address taken from the request asks
`redirect_target`; allauth's sign-in asks through our adapter's `is_safe_url`, which adds the
scheme rule below to its own host check.

The scheme follows the request's: on an https page, an http address on our own host is refused
too (it would drop the person onto plain HTTP, where the next hop can rewrite the page).
"""

from django.utils.http import url_has_allowed_host_and_scheme


def url_is_ours(request, url: str, *, hosts: set[str] | None = None) -> bool:
    """True when `url` stays on this site (its host, or one of `hosts`) at the request's
    scheme or better. Protocol-relative (`//evil`), backslash and `javascript:` tricks are
    Django's to refuse."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url,
        allowed_hosts={request.get_host(), *(hosts or ())},
        require_https=request.is_secure(),
    )


def redirect_target(request, fallback: str, *, field: str = "next", within: str = "") -> str:
    """The address in the request's `field` (form first, then query string) when it is ours
    and, with `within`, starts with that path; else `fallback`."""
    wanted = request.POST.get(field) or request.GET.get(field) or ""
    if url_is_ours(request, wanted) and wanted.startswith(within):
        return wanted
    return fallback

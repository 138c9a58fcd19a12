"""The browser policies on every response: Content-Security-Policy and Permissions-Policy.

django-csp's middleware does the work (a nonce per request, made only when a template asks for
`request.csp_nonce`); this subclass decides which policy a response gets:

- under the Wagtail admin's address, the admin's own policy (`ADMIN_CONTENT_SECURITY_POLICY`,
  inline scripts allowed; `portal.settings.browser_policy` says why), everywhere else the
  site's (`CONTENT_SECURITY_POLICY`, no inline script without the nonce);
- on the pages that start single sign-on, no `form-action` (the identity provider's redirects
  are not ours to list);
- with files in a bucket, the bucket's origin in `img-src`, `media-src` and `connect-src`:
  images, videos and captions reach the browser by a redirect to a presigned address there, and
  the admin's video upload sends its parts straight to it. The origin is read from the storage
  in use, so tests that switch storage at run time get the right one.

It sits above WhiteNoise, so static files carry the headers too (an SVG opened on its own is a
document that could run script), and so do uploaded files served by the portal.
"""

from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.files.storage import storages
from django.urls import reverse

from .settings.browser_policy import SSO_START_PAGES, STORAGE_DIRECTIVES

PERMISSIONS_POLICY = "Permissions-Policy"

_origins: WeakKeyDictionary = WeakKeyDictionary()


class SecurityHeadersMiddleware(CSPMiddleware):
    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.setdefault(PERMISSIONS_POLICY, settings.PERMISSIONS_POLICY)
        return response

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if parts.config is None and request.path_info.startswith(reverse("wagtailadmin_home")):
            parts.config = dict(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in SSO_START_PAGES:
            parts.replace = {**(parts.replace or {}), "form-action": None}
        if origin := storage_origin():
            update = dict(parts.update or {})
            for directive in STORAGE_DIRECTIVES:
                update[directive] = [*_as_list(update.get(directive)), origin]
            parts.update = update
        return parts


def storage_origin() -> str | None:
    """`scheme://host[:port]` of the default storage's file addresses, or None when they are
    the portal's own (`/media/...`). Read once per storage object."""
    storage = storages["default"]
    if storage not in _origins:
        address = urlsplit(storage.url("csp-origin"))
        _origins[storage] = f"{address.scheme}://{address.netloc}" if address.netloc else None
    return _origins[storage]


def _as_list(value) -> list:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)

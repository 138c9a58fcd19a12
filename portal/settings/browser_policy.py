"""What a browser may do on the portal's pages: the Content-Security-Policy and Permissions-Policy.

Pure values (django-csp's constants, no Django imports), so the settings and the tests that
check the headers read the same policies. `portal.security_headers` sends them on every response,
adding the bucket's address where files come from a bucket.

- **The site** runs no inline script at all: every script is a file under `/static/`, htmx reads
  its configuration from a `<meta>` tag and is told not to inject its indicator styles or to
  evaluate anything. A template that ever needs an inline `<script>` or `<style>` gives it
  `nonce="{{ request.csp_nonce }}"`; django-csp then puts that request's nonce in the header.
  Nothing is fetched from anywhere but the portal (and its bucket): no CDN, no gravatar.
- **The Wagtail admin** (`/admin/`) gets its own, looser policy: Wagtail 7.4 still writes inline
  `<script>`s without a nonce (date and time pickers, inline panels, the multiple chooser, the
  workflow dialog) and inline `style` attributes, so its scripts and styles may be inline there.
  Everything else stays as tight as the site's: scripts only from the portal (never another
  origin, never `eval`), no plugins, no `<base>`, forms post only to the portal, and nothing is
  fetched from anywhere else. The admin is open only to signed-in community managers, who
  edit the content the site shows; Wagtail escapes what they type. The alternative, copying
  Wagtail's templates to add nonces, would break quietly on each Wagtail upgrade (see
  docs/development.md, "Browser hardening").
"""

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

# Where browsers send what a policy blocked (`portal.csp_reports`). `report-uri` rather than
# `report-to`: Chromium batches Reporting-API reports for up to a minute and ignores `report-uri`
# when both are given; the endpoint reads both formats, so adding `report-to` later is one line.
REPORT_PATH = "/csp-report/"

_SHARED = {
    "default-src": [SELF],
    "img-src": [SELF, "data:"],
    "media-src": [SELF],
    "connect-src": [SELF],
    "font-src": [SELF],
    "object-src": [NONE],
    "base-uri": [NONE],
    "form-action": [SELF],
    "report-uri": REPORT_PATH,
}

SITE_DIRECTIVES = {
    **_SHARED,
    "script-src": [SELF, NONCE],
    "style-src": [SELF, NONCE],
    "frame-src": [NONE],
    "frame-ancestors": [NONE],
}

ADMIN_DIRECTIVES = {
    **_SHARED,
    # A nonce in the list would make browsers ignore 'unsafe-inline', so there is none here.
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    # Image choosers preview a chosen file before it is uploaded.
    "img-src": [SELF, "data:", "blob:"],
    # The page editor's live preview is an iframe of the admin's own preview view.
    "frame-src": [SELF],
    "frame-ancestors": [SELF],
}

# Directives that name where files come from: a bucket's address is added to each.
STORAGE_DIRECTIVES = ("img-src", "media-src", "connect-src")

# Pages whose forms start single sign-on (URL names). Posting one answers with a redirect to the
# identity provider, which may redirect again (Entra ID to a federated ADFS, Okta to a custom
# domain), and browsers hold the whole chain to `form-action`; the hosts cannot be known from the
# configuration, so these pages have no `form-action` and every other page keeps it at 'self'.
SSO_START_PAGES = frozenset(
    {
        "account_login",
        "account_reauthenticate",
        "openid_connect_login",
        "saml_login",
        "socialaccount_connections",
    }
)

# Browser features no page of the portal uses are off for it and anything it might embed;
# autoplay, fullscreen and picture-in-picture are for the training video player (a transcript
# line starts it), clipboard-write for the "copy the calendar address" button, and the
# security-key features for second factors.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": ["self"],
    "camera": [],
    "clipboard-read": [],
    "clipboard-write": ["self"],
    "display-capture": [],
    "encrypted-media": [],
    "fullscreen": ["self"],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": ["self"],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """The `Permissions-Policy` header's value: `camera=(), fullscreen=(self), ...`."""
    return ", ".join(f"{feature}=({' '.join(origins)})" for feature, origins in policy.items())

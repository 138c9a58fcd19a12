"""The browser policies on responses (issue 20): which CSP each response gets, its nonce, the
bucket's origin, and the Permissions-Policy. The crawl that checks every page is
`test_security_headers_walk.py`; the browser journeys check that pages work under them."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.template import engines
from django.test import RequestFactory

from portal.security_headers import SecurityHeadersMiddleware
from portal.settings import storage
from tests.portal.test_security_headers_walk import policy

# PDF layouts carry their own CSS for WeasyPrint, which no browser ever renders (portal.pdf).
PDF_LAYOUTS = re.compile(r"/pdf/")
INLINE = re.compile(
    # a script with no file, no nonce, and not JSON data (which browsers never run)
    r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*application/json)[^>]*>"
    r"|<style(?![^>]*\bnonce=)[^>]*>"
    r"|\son[a-z]+\s*="  # onclick=, onload=, ...
    r"|\shx-on"  # htmx's handlers are code it would evaluate (allowEval is off)
    r"|\sstyle\s*=",
    re.IGNORECASE,
)
COMMENTS = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.DOTALL)

# Bucket addresses are signed locally: nothing needs to listen here.
BUCKET = storage.default_storage(
    {
        "AWS_STORAGE_BUCKET_NAME": "portal-media",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
    }
)


def _through_middleware(path: str, template: str = "<p>hello</p>") -> HttpResponse:
    request = RequestFactory().get(path)

    def view(request):
        return HttpResponse(engines["django"].from_string(template).render({}, request))

    return SecurityHeadersMiddleware(view)(request)


def test_the_sign_in_page_has_the_sites_policy_and_no_unsafe_source(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = policy(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]  # no nonce: the page asked for none
    assert csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["report-uri"] == ["/csp-report/"]
    assert "unsafe" not in response["Content-Security-Policy"]
    # Its single sign-on buttons post to the portal, which redirects to the identity provider
    # (and it, maybe, elsewhere): browsers would hold that chain to form-action.
    assert "form-action" not in csp


def test_other_pages_post_forms_only_to_the_portal(client, db):
    csp = policy(client.get("/accounts/password/reset/")["Content-Security-Policy"])
    assert csp["form-action"] == ["'self'"]


def test_the_permissions_policy_turns_off_what_no_page_uses(client, db):
    features = dict(
        part.strip().split("=", 1)
        for part in client.get("/healthz")["Permissions-Policy"].split(",")
    )
    for off in ("camera", "microphone", "geolocation", "payment", "usb", "serial", "hid"):
        assert features[off] == "()", off
    assert features["fullscreen"] == "(self)"  # the video player
    assert features["picture-in-picture"] == "(self)"
    assert features["publickey-credentials-get"] == "(self)"  # security keys for second factors


def test_the_admin_has_its_own_policy(client, community_manager):
    client.force_login(community_manager)
    response = client.get("/admin/")
    assert response.status_code == 200
    csp = policy(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["frame-ancestors"] == ["'self'"]  # the editor's live preview
    # Only inline script is loosened: scripts still come from the portal alone.
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert "Permissions-Policy" in response


@pytest.mark.parametrize(
    "path", ["/no-such-page/", "/my-path/", "/static/portal/css/portal.css", "/csp-report/"]
)
def test_answers_that_are_not_pages_carry_the_policies_too(client, db, path):
    """A 404, a redirect to sign in, a static file, a refused method."""
    response = client.get(path)
    assert response.status_code in {302, 404, 200, 405}
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_a_template_that_uses_the_nonce_gets_it_in_the_header():
    response = _through_middleware(
        "/somewhere/", '<script nonce="{{ request.csp_nonce }}">go()</script>'
    )
    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert len(nonce) >= 22
    csp = policy(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'", f"'nonce-{nonce}'"]
    assert csp["style-src"] == ["'self'", f"'nonce-{nonce}'"]
    again = _through_middleware("/somewhere/", '<i nonce="{{ request.csp_nonce }}"></i>')
    assert nonce not in again["Content-Security-Policy"]  # one per response


def test_the_admin_policy_has_no_nonce_since_it_would_turn_off_unsafe_inline():
    response = _through_middleware("/admin/pages/", '<i n="{{ request.csp_nonce }}"></i>')
    assert "nonce-" not in response["Content-Security-Policy"]
    assert "'unsafe-inline'" in policy(response["Content-Security-Policy"])["script-src"]


def test_with_files_in_a_bucket_images_videos_and_uploads_may_come_from_it(settings):
    settings.STORAGES = {**settings.STORAGES, "default": BUCKET}
    for path in ("/training/", "/admin/videos/"):
        csp = policy(_through_middleware(path)["Content-Security-Policy"])
        for directive in ("img-src", "media-src", "connect-src"):
            assert "http://127.0.0.1:9" in csp[directive], (path, directive)
        assert "http://127.0.0.1:9" not in csp["script-src"]
        assert "http://127.0.0.1:9" not in csp["default-src"]


def test_with_files_on_the_portals_disk_nothing_else_is_allowed():
    csp = policy(_through_middleware("/training/")["Content-Security-Policy"])
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["media-src"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]


def test_no_template_of_ours_has_inline_script_handlers_or_styles():
    """The crawl reads the site's pages; this reads every template, the admin screens included
    (their policy allows inline code for Wagtail's sake, ours need none: portal/css/admin.css)."""
    root = Path(django_settings.BASE_DIR)
    templates = [
        path
        for folder in [root / "templates", *root.glob("*/templates")]
        for path in folder.rglob("*.html")
        if not PDF_LAYOUTS.search(path.as_posix())
    ]
    assert len(templates) > 80
    found = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in templates
        for match in INLINE.finditer(COMMENTS.sub("", path.read_text()))
    ]
    assert not found, "\n".join(found)

"""A superuser connects an identity provider, in a browser (issue 21).

On Settings → Provisioning (SCIM) they make a token, copy it from the page (shown once), and
the identity provider (here `requests`, over HTTP) provisions one person and is refused one in
words; the screen then lists the last calls and the refusal by count; they revoke the token and
the next call is refused. axe checks every state; screenshots at desktop and phone width go to
`test-artifacts/`.
"""

import re

import pytest
import requests
from playwright.sync_api import expect

from portal.people.models import Staff

pytestmark = pytest.mark.browser
WAGTAIL_BANNER = {"color-contrast": "Wagtail's success banner (upstream)"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"


def _both_widths(portal, name: str):
    page = portal.page
    portal.screenshot(f"{name}-desktop")
    page.set_viewport_size(PHONE)
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    portal.screenshot(f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def _user(address: str) -> dict:
    return {
        "schemas": [CORE],
        "userName": address,
        "displayName": "Ada Provisioned",
        "emails": [{"type": "work", "value": address}],
    }


def test_a_superuser_makes_a_token_the_idp_uses_then_revokes_it(
    sign_in_as, superuser, live_server, server_lock
):
    portal = sign_in_as(superuser)
    page = portal.page
    portal.goto("/admin/provisioning/")
    expect(page.get_by_role("heading", name="Tokens")).to_be_visible()
    expect(page.get_by_text("No token yet")).to_be_visible()
    _both_widths(portal, "provisioning-empty")

    page.get_by_label("Name").fill("Entra ID")
    page.get_by_role("button", name="Make a token").click()
    portal.check_a11y()
    token = page.locator("code.scim-secret").inner_text().strip()
    assert token.startswith("scim_")
    expect(page.get_by_role("heading", name="Your new token")).to_be_visible()
    _both_widths(portal, "provisioning-new-token")

    scim = f"{live_server.url}/scim/v2/Users"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
    made = requests.post(scim, json=_user("ada@example.com"), headers=headers, timeout=30)
    assert made.status_code == 201
    refused = requests.post(scim, json=_user("not an address"), headers=headers, timeout=30)
    assert refused.status_code == 400
    with server_lock:
        assert Staff.objects.filter(email="ada@example.com", active=True).exists()

    portal.goto("/admin/provisioning/")
    expect(page.locator("code.scim-secret")).to_have_count(0)  # shown once, never again
    refusals = page.get_by_role("table", name="Refusals, most frequent first")
    expect(refusals.get_by_role("row").nth(1)).to_contain_text("400")
    calls = page.get_by_role("table", name="The last calls")
    expect(calls.get_by_role("row")).to_have_count(3)  # a header and two calls
    expect(calls).to_contain_text("POST /scim/v2/Users")
    expect(page.get_by_text("not an address")).to_have_count(0)
    _both_widths(portal, "provisioning-calls")

    page.get_by_role("button", name="Revoke the token Entra ID").click()
    portal.check_a11y(upstream=WAGTAIL_BANNER)
    expect(page.get_by_role("table", name="Tokens")).to_contain_text(re.compile("Revoked"))
    after = requests.get(scim, headers=headers, timeout=30)
    assert after.status_code == 401

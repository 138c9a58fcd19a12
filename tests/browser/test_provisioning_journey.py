"""Provisioning in a browser (issue 21).

A superuser connects an identity provider: on Settings → Provisioning (SCIM) they make a
token, copy it from the page (shown once), and the identity provider (here `requests`, over
HTTP) provisions one person and is refused one in words; the screen then lists the last calls
and the refusal by count; they revoke the token and the next call is refused.

A joiner the identity provider alone made (a SCIM POST, no CSV, nobody in the directory
before) signs in by single sign-on against a real OpenID provider (the npm `oidc-provider` on
loopback) and lands on My path; disabled by SCIM (`active` false), their open session no longer
lets them in and signing in again is refused in words.

axe checks every state; screenshots at desktop and phone width go to `test-artifacts/`.
"""

import re

import pytest
import requests
from playwright.sync_api import expect

from portal.people.models import Staff
from portal.scim.tokens import scim_token_create
from portal.settings import sso
from tests.peers.oidc_provider import node_or_skip, oidc_provider_running

pytestmark = pytest.mark.browser
WAGTAIL_BANNER = {"color-contrast": "Wagtail's success banner (upstream)"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


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


def _claims(email: str) -> dict:
    return {
        "email": email,
        "email_verified": True,
        "name": "Inès Provisioned",
        "given_name": "Inès",
        "family_name": "Provisioned",
        "groups": [],
    }


def test_a_joiner_made_by_scim_alone_signs_in_by_sso_then_is_shut_out_when_disabled(
    portal_page, live_server, settings, server_lock
):
    node_or_skip()
    address = "ines.provisioned@example.com"
    callback = f"{live_server.url}/accounts/oidc/{sso.OIDC_PROVIDER_ID}/login/callback/"
    with oidc_provider_running(
        redirect_uris=[callback], accounts={address: _claims(address)}
    ) as idp:
        settings.SOCIALACCOUNT_PROVIDERS = sso.providers(
            {
                "OIDC_ISSUER": idp.issuer,
                "OIDC_CLIENT_ID": idp.client_id,
                "OIDC_CLIENT_SECRET": idp.client_secret,
                "OIDC_SCOPES": "openid email profile",
                "OIDC_BUTTON_LABEL": "Sign in with Contoso",
            }
        )
        with server_lock:
            assert not Staff.objects.exists()  # no CSV, nobody: the directory is empty
            _, token = scim_token_create(name="Entra ID")
        scim = f"{live_server.url}/scim/v2/Users"
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/scim+json"}
        joiner = {
            "schemas": [CORE, ENTERPRISE],
            "userName": address,
            "displayName": "Inès Provisioned",
            "emails": [{"type": "work", "primary": True, "value": address}],
            "title": "Solutions Engineer",
            "addresses": [{"type": "work", "locality": "Dublin", "country": "IE"}],
            ENTERPRISE: {"employeeNumber": "701984", "department": "Customer Success"},
        }
        made = requests.post(scim, json=joiner, headers=headers, timeout=30)
        assert made.status_code == 201, made.text
        user_id = made.json()["id"]

        # Signed out, she asks for her path; the sign-in page offers the company's button.
        portal = portal_page
        page = portal.page
        portal.goto("/my-path/")
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        page.get_by_role("button", name="Sign in with Contoso").click()
        page.get_by_label("Email address").fill(address)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(re.escape(portal.base_url) + r"/my-path/$"))
        portal.check_a11y()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        _both_widths(portal, "provisioned-sso-my-path")
        with server_lock:
            staff = Staff.objects.select_related("user", "department").get(pk=user_id)
            assert staff.user is not None and staff.user.is_active
            assert staff.department.name == "Customer Success"

        # The identity provider disables her (Okta's and Entra ID's `active` false).
        disabled = requests.patch(
            f"{scim}/{user_id}",
            json={
                "schemas": [PATCH_OP],
                "Operations": [{"op": "replace", "path": "active", "value": False}],
            },
            headers=headers,
            timeout=30,
        )
        assert disabled.status_code == 200 and disabled.json()["active"] is False

        # Her open session lets her in no more: the next page she asks for is the sign-in page.
        portal.goto("/my-path/")
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/my-path/"))
        expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
        # Still signed in at the identity provider, she is sent straight back, and refused.
        page.get_by_role("button", name="Sign in with Contoso").click()
        expect(page.get_by_role("heading", name="We could not sign you in")).to_be_visible()
        portal.check_a11y()
        expect(page.get_by_role("alert")).to_contain_text(
            f"The staff directory lists {address} as someone who has left"
        )
        _both_widths(portal, "provisioned-sso-refused")
        portal.goto("/my-path/")
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        with server_lock:
            staff.refresh_from_db()
            staff.user.refresh_from_db()
            assert not staff.active and not staff.user.is_active

"""Single sign-on in a real browser, against real identity providers on loopback: the npm
oidc-provider and a pysaml2 IdP. A new member of staff who is in the directory gets in with
one click and no account made beforehand; everyone else is refused in words."""

import re

import pytest
from playwright.sync_api import expect

from portal import permissions
from portal.factories import StaffFactory
from portal.people.models import Staff
from portal.settings import sso
from tests.browser.conftest import PortalPage
from tests.peers.oidc_provider import node_or_skip, oidc_provider_running
from tests.peers.saml_idp import saml_idp_running, xmlsec1_or_skip


def _claims(email, groups=()):
    return {
        "email": email,
        "email_verified": True,
        "name": "Ana Lima",
        "given_name": "Ana",
        "family_name": "Lima",
        "groups": list(groups),
    }


@pytest.fixture
def new_visitor(browser, live_server):
    """A fresh browser (no session here or at the identity provider) with axe on our pages."""
    opened = []

    def visitor() -> PortalPage:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        opened.append(context)
        return PortalPage(context.new_page(), live_server.url)

    yield visitor
    for context in opened:
        context.close()


def _sign_in_at_the_provider(portal: PortalPage, button: str, email: str, shot: str = ""):
    page = portal.page
    portal.goto("/my-path/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    if shot:
        portal.screenshot(shot)
    page.get_by_role("button", name=button).click()
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    page.wait_for_url(re.compile(re.escape(portal.base_url)))
    portal.check_a11y()


def test_openid_connect_sign_in(new_visitor, live_server, settings, server_lock):
    node_or_skip()
    callback = f"{live_server.url}/accounts/oidc/{sso.OIDC_PROVIDER_ID}/login/callback/"
    accounts = {
        "ana.lima@example.com": _claims("ana.lima@example.com", groups=["advocacy-admins"]),
        "eve@elsewhere.example": _claims("eve@elsewhere.example"),
        "gone@example.com": _claims("gone@example.com"),
    }
    with oidc_provider_running(redirect_uris=[callback], accounts=accounts) as idp:
        settings.SOCIALACCOUNT_PROVIDERS = sso.providers(
            {
                "OIDC_ISSUER": idp.issuer,
                "OIDC_CLIENT_ID": idp.client_id,
                "OIDC_CLIENT_SECRET": idp.client_secret,
                "OIDC_SCOPES": "openid email profile groups",
                "OIDC_BUTTON_LABEL": "Sign in with Contoso",
            }
        )
        settings.SSO_GROUPS_COMMUNITY_MANAGERS = ["advocacy-admins"]
        with server_lock:
            ana = StaffFactory(email="Ana.Lima@example.com", display_name="Ana Lima")
            StaffFactory(email="gone@example.com", active=False)

        # Ana, in the directory, with no account yet: one click, and she is on her path.
        portal = new_visitor()
        _sign_in_at_the_provider(
            portal, "Sign in with Contoso", "ana.lima@example.com", shot="sso-sign-in"
        )
        expect(portal.page).to_have_url(re.compile(r"/my-path/$"))
        expect(portal.page.get_by_role("heading", level=1)).to_be_visible()
        nav = portal.page.get_by_role("navigation", name="Main")
        expect(nav.get_by_role("link", name="Manage content")).to_be_visible()  # her IdP group
        portal.screenshot("sso-oidc-my-path")
        with server_lock:
            ana.refresh_from_db()
            assert ana.user is not None
            assert ana.user.groups.filter(name=permissions.COMMUNITY_MANAGERS).exists()

        # Taken out of the group at the IdP: at her next sign-in she is no longer one.
        idp.accounts_set({**accounts, "ana.lima@example.com": _claims("ana.lima@example.com")})
        portal.page.get_by_role("button", name="Sign out").click()
        portal.check_a11y()
        portal.page.get_by_role("button", name="Sign in with Contoso").click()
        portal.page.wait_for_url(portal.base_url + "/")  # still signed in at the IdP: home
        portal.check_a11y()
        expect(nav.get_by_role("link", name="Manage content")).to_have_count(0)
        with server_lock:
            assert not ana.user.groups.filter(name=permissions.COMMUNITY_MANAGERS).exists()

        # Someone the directory does not know, and someone who left: refused, in words.
        for email, words in (
            ("eve@elsewhere.example", "could not find eve@elsewhere.example in the staff"),
            ("gone@example.com", "lists gone@example.com as someone who has left"),
        ):
            stranger = new_visitor()
            stranger.page.set_viewport_size({"width": 390, "height": 844})
            _sign_in_at_the_provider(stranger, "Sign in with Contoso", email, shot="sso-phone")
            expect(
                stranger.page.get_by_role("heading", name="We could not sign you in")
            ).to_be_visible()
            expect(stranger.page.get_by_role("alert")).to_contain_text(words)
            stranger.screenshot(f"sso-refused-{email.split('@')[0]}")

        # A tampered ID token (payload changed after signing): refused, and nobody signed in.
        idp.tamper_next_id_token()
        victim = new_visitor()
        _sign_in_at_the_provider(victim, "Sign in with Contoso", "ana.lima@example.com")
        expect(victim.page.get_by_role("alert")).to_contain_text("could not be checked")
        victim.goto("/my-path/")
        expect(victim.page).to_have_url(re.compile(r"/accounts/login/"))


def test_saml_sign_in_sp_and_idp_initiated(new_visitor, live_server, settings, server_lock):
    xmlsec1_or_skip()
    acs = f"{live_server.url}/accounts/saml/{sso.SAML_SLUG}/acs/"
    users = {"ana.lima@example.com": {"first_name": "Ana", "last_name": "Lima", "groups": []}}
    with saml_idp_running(sp_entity_id="urn:portal:test", acs_url=acs, users=users) as idp:
        settings.SOCIALACCOUNT_PROVIDERS = sso.providers(
            {
                "SAML_IDP_METADATA_URL": idp.metadata_url,
                "SAML_SP_ENTITY_ID": "urn:portal:test",
                "SAML_BUTTON_LABEL": "Sign in with Contoso SAML",
            }
        )
        with server_lock:
            ana = StaffFactory(email="ana.lima@example.com", display_name="Ana Lima")

        portal = new_visitor()
        _sign_in_at_the_provider(portal, "Sign in with Contoso SAML", "ana.lima@example.com")
        expect(portal.page).to_have_url(re.compile(r"/my-path/$"))
        portal.screenshot("sso-saml-my-path")
        with server_lock:
            assert Staff.objects.get(pk=ana.pk).user is not None

        # From the IdP's own portal (IdP-initiated), straight to the page it names.
        other = new_visitor()
        other.page.goto(idp.idp_initiated_url("ana.lima@example.com", relay_state="/office-hours/"))
        other.page.wait_for_url(re.compile(r"/office-hours/$"))
        other.check_a11y()

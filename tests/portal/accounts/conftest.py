"""Single sign-on against real, independent peers on loopback: the npm `oidc-provider` and a
pysaml2 identity provider, each in its own process. The Django test client plays the browser
on our side (host `testserver`); `requests` plays it on the provider's pages."""

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from portal.settings import sso
from tests.peers.oidc_provider import node_or_skip, oidc_provider_running
from tests.peers.saml_idp import saml_idp_running, xmlsec1_or_skip

OUR_HOST = "http://testserver"
OIDC_CALLBACK = f"{OUR_HOST}/accounts/oidc/{sso.OIDC_PROVIDER_ID}/login/callback/"
SAML_ACS = f"{OUR_HOST}/accounts/saml/{sso.SAML_SLUG}/acs/"
SAML_SP_ENTITY_ID = f"{OUR_HOST}/accounts/saml/{sso.SAML_SLUG}/metadata/"


def browser() -> Client:
    """A test client that sends a Host header, as every browser does (python3-saml reads it)."""
    return Client(HTTP_HOST="testserver")


@pytest.fixture
def client():
    return browser()


@pytest.fixture(scope="module")
def oidc_idp():
    node_or_skip()
    with oidc_provider_running(redirect_uris=[OIDC_CALLBACK], accounts={}) as idp:
        yield idp


@pytest.fixture
def oidc(settings, oidc_idp):
    """The portal configured for the provider, as OIDC_* variables would configure it."""
    settings.SOCIALACCOUNT_PROVIDERS = sso.providers(
        {
            "OIDC_ISSUER": oidc_idp.issuer,
            "OIDC_CLIENT_ID": oidc_idp.client_id,
            "OIDC_CLIENT_SECRET": oidc_idp.client_secret,
            "OIDC_SCOPES": "openid email profile groups",
            "OIDC_BUTTON_LABEL": "Sign in with Contoso",
        }
    )
    oidc_idp.accounts_set({})
    return oidc_idp


@pytest.fixture(scope="module")
def saml_idp():
    xmlsec1_or_skip()
    with saml_idp_running(sp_entity_id=SAML_SP_ENTITY_ID, acs_url=SAML_ACS, users={}) as idp:
        yield idp


@pytest.fixture
def saml(settings, saml_idp):
    settings.SOCIALACCOUNT_PROVIDERS = sso.providers(
        {"SAML_IDP_METADATA_URL": saml_idp.metadata_url, "SAML_BUTTON_LABEL": "Contoso SAML"}
    )
    saml_idp.users_set({})
    return saml_idp


def claims(email, *, verified=True, groups=(), name="Ana Lima"):
    given, _, family = name.partition(" ")
    return {
        "email": email,
        "email_verified": verified,
        "name": name,
        "given_name": given,
        "family_name": family,
        "groups": list(groups),
    }


def _form(html: str) -> tuple[str, dict]:
    action = unescape(re.search(r'<form[^>]*action="([^"]*)"', html)[1])
    fields = {
        unescape(name): unescape(value)
        for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html)
    }
    return action, fields


def oidc_sign_in(client, login: str, next_url: str = "/my-path/"):
    """Press the button, sign in at the provider as `login`, and bring its answer back."""
    start = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": sso.OIDC_PROVIDER_ID})
        + (f"?next={next_url}" if next_url else "")
    )
    assert start.status_code == 302, start.content
    browser = requests.Session()
    url, answer = start["Location"], None
    while not url.startswith(OUR_HOST):
        answer = browser.get(url, allow_redirects=False, timeout=10)
        if answer.status_code == 200:  # the provider's sign-in page
            action, _ = _form(answer.text)
            answer = browser.post(
                urljoin(url, action), data={"login": login}, allow_redirects=False, timeout=10
            )
        assert answer.is_redirect, answer.text
        url = urljoin(url, answer.headers["Location"])
    back = urlsplit(url)
    return client.get(f"{back.path}?{back.query}")


def saml_post_to_acs(client, auto_post_html: str):
    """What the IdP's auto-posting page does: post its form to our ACS, then follow us."""
    action, fields = _form(auto_post_html)
    assert action == SAML_ACS
    answer = client.post(urlsplit(action).path, fields)
    if answer.status_code == 302:
        answer = client.get(answer["Location"])
    return answer, fields


def saml_sign_in(client, idp, email: str, next_url: str = "/my-path/"):
    """SP-initiated: press the button, sign in at the IdP, post its answer to us."""
    start = client.post(
        reverse("saml_login", kwargs={"organization_slug": sso.SAML_SLUG}) + f"?next={next_url}"
    )
    assert start.status_code == 302, start.content
    browser = requests.Session()
    page = browser.get(start["Location"], timeout=10)
    action, fields = _form(page.text)
    posted = browser.post(urljoin(page.url, action), data={**fields, "email": email}, timeout=10)
    assert posted.status_code == 200, posted.text
    return saml_post_to_acs(client, posted.text)[0]

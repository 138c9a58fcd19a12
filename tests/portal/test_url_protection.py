"""Deny by default: every URL the project serves needs sign-in unless it is on the allowlist.

The walk builds a concrete URL for every pattern in the URL configuration (Wagtail's admin
included), asks for it anonymously, and expects a redirect to the sign-in page. A pattern it
cannot build a URL for fails the test too, so nothing escapes by being hard to reach.
"""

import functools
import itertools
import re
import uuid

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

from portal.permissions import PUBLIC_URL_NAMES

SAMPLE_VALUES = ["1", "x", str(uuid.UUID(int=1)), "x/", "abc123", "1-set"]


def _patterns(resolvers, prefix_regex=""):
    """Yield the full regex of every URLPattern below `resolvers`."""
    for entry in resolvers:
        regex = prefix_regex + entry.pattern.regex.pattern.lstrip("^")
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, regex.rstrip("$").removesuffix(r"\Z"))
        elif isinstance(entry, URLPattern):
            yield regex


def _concrete_url(regex: str) -> str | None:
    full = re.compile("^" + regex.lstrip("^"))
    for template, params in normalize(regex):
        for values in itertools.product(SAMPLE_VALUES, repeat=len(params)):
            path = template % dict(zip(params, values, strict=True))
            if full.fullmatch(path):
                return "/" + path
    return None


@functools.cache
def _all_urls():
    urls, unbuildable = {}, []
    for regex in _patterns(get_resolver().url_patterns):
        url = _concrete_url(regex)
        if url is None:
            unbuildable.append(regex)
            continue
        try:
            urls[url] = resolve(url).view_name
        except Resolver404:
            unbuildable.append(regex)
    return urls, unbuildable


def test_every_url_pattern_can_be_walked():
    urls, unbuildable = _all_urls()
    assert not unbuildable, f"Add sample values so these patterns can be checked: {unbuildable}"
    assert len(urls) > 100  # the project's own URLs and Wagtail's admin


def test_allowlist_names_only_urls_that_exist():
    with_arguments = {
        "account_reset_password_from_key": {"uidb36": "x", "key": "x-y"},
        "openid_connect_login": {"provider_id": "company"},
        "openid_connect_callback": {"provider_id": "company"},
        "saml_login": {"organization_slug": "company"},
        "saml_acs": {"organization_slug": "company"},
        "saml_finish_acs": {"organization_slug": "company"},
        "saml_metadata": {"organization_slug": "company"},
        "saml_sls": {"organization_slug": "company"},
        "sign_in_link": {"token": "x"},
        "officehours_feed": {"token": "x"},
        "certificate_verify": {"code": "x"},
        "scim_resource_type": {"name": "User"},
        "scim_schema": {"urn": "x"},
        "scim_unknown": {"rest": "x"},
        "scim_user": {"pk": "1"},
        "scim_group": {"pk": "1"},
        "notifications_go": {"token": "x"},
        "notifications_unsubscribe": {"token": "x"},
    }
    for name in PUBLIC_URL_NAMES:
        reverse(name, kwargs=with_arguments.get(name))


@pytest.mark.django_db
def test_every_url_needs_sign_in_unless_allowlisted(client):
    login_url = resolve_url(settings.LOGIN_URL)
    urls, _ = _all_urls()
    escaped = []
    for url, view_name in sorted(urls.items()):
        response = client.get(url)
        sent_to_login = response.status_code == 302 and response["Location"].startswith(
            login_url + "?"
        )
        if view_name in PUBLIC_URL_NAMES:
            assert not sent_to_login, f"{url} is on the allowlist but asks for sign-in"
        elif not sent_to_login:
            escaped.append(f"{url} ({view_name}) answered {response.status_code}")
    assert not escaped, "URLs that answer without sign-in:\n" + "\n".join(escaped)


@pytest.mark.django_db
def test_public_urls_answer_without_sign_in(client):
    assert client.get(reverse("account_login")).status_code == 200
    assert client.get(reverse("account_reset_password")).status_code == 200
    assert client.get(reverse("healthz")).content == b"ok"


@pytest.mark.django_db
def test_htmx_request_without_sign_in_sends_the_whole_window_to_sign_in(client):
    response = client.get(
        reverse("reports"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/reports/?x=1"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Freports%2F%3Fx%3D1"


@pytest.mark.django_db
def test_redirect_after_sign_in_keeps_the_page_asked_for(client, staff_user):
    response = client.get("/reports/?period=4w")
    assert response["Location"] == "/accounts/login/?next=/reports/%3Fperiod%3D4w"

"""SAML 2.0 sign-in against a real identity provider (pysaml2, in its own process)."""

import pytest
from django.urls import reverse

from portal import permissions
from portal.factories import StaffFactory

from .conftest import SAML_ACS, SAML_SP_ENTITY_ID, browser, saml_post_to_acs, saml_sign_in

pytestmark = pytest.mark.django_db

ANA = {"ana.lima@example.com": {"first_name": "Ana", "last_name": "Lima", "groups": ["cm"]}}


def test_a_signed_assertion_signs_someone_in_the_directory_in(client, saml):
    person = StaffFactory(email="ana.lima@example.com")
    saml.users_set(ANA)
    landed = saml_sign_in(client, saml, "ana.lima@example.com")
    assert landed.status_code == 302 and landed["Location"] == "/my-path/"
    person.refresh_from_db()
    assert person.user.first_name == "Ana" and person.user.last_name == "Lima"
    assert client.get("/my-path/").status_code == 200


def test_idp_initiated_sign_in_works_and_keeps_a_safe_relay_state(client, saml):
    StaffFactory(email="ana.lima@example.com")
    saml.users_set(ANA)
    import requests

    page = requests.get(
        saml.idp_initiated_url("ana.lima@example.com", relay_state="/office-hours/"), timeout=10
    )
    landed, _ = saml_post_to_acs(client, page.text)
    assert landed.status_code == 302 and landed["Location"] == "/office-hours/"

    offsite = browser()
    page = requests.get(
        saml.idp_initiated_url("ana.lima@example.com", relay_state="https://evil.example/"),
        timeout=10,
    )
    landed, _ = saml_post_to_acs(offsite, page.text)
    assert landed.status_code == 302 and landed["Location"] == "/"


@pytest.mark.parametrize("mode", ["unsigned", "expired", "wrong_audience", "wrong_signature"])
def test_bad_assertions_are_refused(client, saml, mode):
    StaffFactory(email="ana.lima@example.com")
    saml.users_set(ANA)
    saml.next_response(mode)
    refused = saml_sign_in(client, saml, "ana.lima@example.com")
    assert refused.status_code == 403
    assert b"could not be checked" in refused.content
    assert client.get("/my-path/").status_code == 302


def test_a_replayed_assertion_is_refused(client, saml):
    StaffFactory(email="ana.lima@example.com")
    saml.users_set(ANA)
    assert saml_sign_in(client, saml, "ana.lima@example.com")["Location"] == "/my-path/"
    captured = {k: v for k, v in saml.last_response().items() if v is not None}
    thief = browser()
    answer = thief.post(reverse("saml_acs", args=["company"]), captured)
    assert answer.status_code == 403 and b"used already" in answer.content
    assert thief.get("/my-path/").status_code == 302


def test_an_idp_initiated_assertion_cannot_be_replayed_either(client, saml):
    StaffFactory(email="ana.lima@example.com")
    saml.users_set(ANA)
    import requests

    page = requests.get(saml.idp_initiated_url("ana.lima@example.com"), timeout=10)
    first, fields = saml_post_to_acs(client, page.text)
    assert first.status_code == 302
    again = browser().post(reverse("saml_acs", args=["company"]), fields)
    assert again.status_code == 403


def test_garbage_at_the_assertion_consumer_is_a_clear_400(client, saml):
    for junk in ("not base64!", "PGZvbz4=", ""):  # "<foo>" is base64 of XML with no assertion
        answer = client.post(reverse("saml_acs", args=["company"]), {"SAMLResponse": junk})
        if answer.status_code == 302:
            answer = client.get(answer["Location"])
        assert answer.status_code in (400, 403), (junk, answer.status_code)


def test_people_not_in_the_directory_or_gone_are_refused(client, saml):
    StaffFactory(email="gone@example.com", active=False)
    saml.users_set({**ANA, "gone@example.com": {"first_name": "G", "last_name": "One"}})
    refused = saml_sign_in(client, saml, "ana.lima@example.com")
    assert refused.status_code == 403 and b"staff directory" in refused.content
    refused = saml_sign_in(browser(), saml, "gone@example.com")
    assert refused.status_code == 403 and b"has left" in refused.content


def test_groups_attribute_gives_roles(client, saml, settings):
    settings.SSO_GROUPS_COMMUNITY_MANAGERS = ["cm"]
    person = StaffFactory(email="ana.lima@example.com")
    saml.users_set(ANA)
    saml_sign_in(client, saml, "ana.lima@example.com")
    person.refresh_from_db()
    assert person.user.groups.filter(name=permissions.COMMUNITY_MANAGERS).exists()


def test_sp_metadata_is_published_at_a_stable_address(client, saml):
    metadata = client.get(reverse("saml_metadata", args=["company"]))
    assert metadata.status_code == 200
    body = metadata.content.decode()
    assert f'entityID="{SAML_SP_ENTITY_ID}"' in body
    assert SAML_ACS in body

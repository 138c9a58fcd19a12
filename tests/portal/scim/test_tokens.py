"""Tokens: made by a superuser (admin or command) and shown once, stored as a hash, several
valid at once; any call without a valid one is a 401 in SCIM's shape that writes nothing."""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.audit.models import AuditEntry
from portal.people.models import Staff
from portal.scim.models import ScimCall, ScimToken

from .conftest import ScimClient, user_payload

pytestmark = pytest.mark.django_db


def _make(name: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("scim_token", "create", name, stdout=out, stderr=err)
    assert "never shown again" in err.getvalue()
    return out.getvalue().strip()


def test_the_command_prints_the_token_once_and_keeps_only_its_hash():
    token = _make("Entra ID")
    assert token.startswith("scim_") and len(token) > 40 and "\n" not in token
    row = ScimToken.objects.get()
    assert row.name == "Entra ID"
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(ScimToken.objects.values()))
    listing = io.StringIO()
    call_command("scim_token", "list", stdout=listing)
    assert "Entra ID" in listing.getvalue() and token not in listing.getvalue()


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer scim_not-a-token", "Basic dXNlcjpwYXNz", "Token {token}"],
)
def test_a_call_without_a_valid_token_is_401_and_writes_nothing(client, authorization):
    token = _make("Entra ID")
    headers = {}
    if authorization is not None:
        headers["HTTP_AUTHORIZATION"] = authorization.format(token=token)
    for method, path in [("get", "ServiceProviderConfig"), ("post", "Users"), ("get", "Users")]:
        body = user_payload("new.joiner@example.com")
        if method == "post":
            response = client.post(
                f"/scim/v2/{path}", body, content_type="application/scim+json", **headers
            )
        else:
            response = client.get(f"/scim/v2/{path}", **headers)
        assert response.status_code == 401, path
        assert response["Content-Type"] == "application/scim+json"
        assert response["WWW-Authenticate"] == 'Bearer realm="SCIM"'
        error = response.json()
        assert error["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
        assert error["status"] == "401" and "Bearer" in error["detail"]
    assert not Staff.objects.exists()
    assert not ScimCall.objects.exists()
    assert ScimToken.objects.get().last_used_at is None


def test_two_tokens_work_at_once_and_a_revoked_one_stops(client):
    old, new = _make("Entra ID (2024)"), _make("Entra ID (2025)")
    for token in (old, new):
        assert ScimClient(client, token).get("ServiceProviderConfig").status_code == 200
    old_id = ScimToken.objects.get(name="Entra ID (2024)").pk
    out = io.StringIO()
    call_command("scim_token", "revoke", str(old_id), stdout=out)
    assert "revoked" in out.getvalue()
    assert ScimClient(client, old).get("ServiceProviderConfig").status_code == 401
    assert ScimClient(client, new).get("ServiceProviderConfig").status_code == 200
    assert ScimToken.objects.get(pk=old_id).last_used_at is not None  # it was used before


def test_superusers_make_and_revoke_tokens_in_the_admin(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("scim_provisioning"))
    assert page.status_code == 200 and b"No token yet" in page.content
    made = client.post(reverse("scim_provisioning"), {"name": "Okta"})
    assert made.status_code == 200
    token = made.context["new_token"]
    assert token.startswith("scim_") and token.encode() in made.content
    assert token.encode() not in client.get(reverse("scim_provisioning")).content  # shown once
    assert ScimClient(client, token).get("Schemas").status_code == 200
    row = ScimToken.objects.get(name="Okta")
    assert row.created_by == superuser
    client.post(reverse("scim_token_revoke", args=[row.pk]))
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_by == superuser
    entries = AuditEntry.objects.filter(target_type="scim.scimtoken", target_id=str(row.pk))
    assert sorted(entries.values_list("action", "actor")) == [
        ("scim.token_created", superuser.pk),
        ("scim.token_revoked", superuser.pk),
    ]
    assert ScimClient(client, token).get("Schemas").status_code == 401


def test_nobody_but_a_superuser_reaches_the_tokens(client, community_manager):
    client.force_login(community_manager)
    assert client.get(reverse("scim_provisioning")).status_code == 403
    assert client.post(reverse("scim_provisioning"), {"name": "x"}).status_code == 403
    assert not ScimToken.objects.exists()


def test_a_valid_token_reaches_discovery_and_the_call_is_recorded(scim):
    response = scim.get("ServiceProviderConfig")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/scim+json"
    config = response.json()
    assert config["patch"]["supported"] is True and config["bulk"]["supported"] is False
    call = ScimCall.objects.get()
    assert (call.method, call.path, call.status) == ("GET", "/scim/v2/ServiceProviderConfig", 200)
    missing = scim.get("Nothing/here")
    assert missing.status_code == 404 and missing.json()["status"] == "404"


def test_the_provisioning_screen_shows_the_last_calls_and_refusals_by_count(
    client, superuser, scim
):
    scim.get("Users")
    for _ in range(2):
        scim.post("Users", user_payload("ann@example.com", email="not an address"))
    scim.get("Users/999")
    client.force_login(superuser)
    page = client.get(reverse("scim_provisioning"))
    assert page.status_code == 200
    errors = list(page.context["errors"])
    assert [(e["status"], e["count"]) for e in errors] == [(400, 2), (404, 1)]
    assert "not an address" not in page.content.decode()  # values are cut from the record
    calls = list(page.context["calls"])
    assert [c.status for c in calls] == [404, 400, 400, 200] and calls[0].token.name == "Entra ID"
    assert b"/scim/v2/Users/999" in page.content


def test_old_calls_are_forgotten_by_the_daily_task(scim, settings):
    from datetime import timedelta

    from django.utils import timezone

    from portal.scim.tasks import scim_calls_forget

    scim.get("Users")
    scim.get("Groups")
    ScimCall.objects.filter(path="/scim/v2/Users").update(
        at=timezone.now() - timedelta(days=settings.SCIM_CALLS_KEEP_DAYS, minutes=1)
    )
    assert scim_calls_forget() == 1
    assert list(ScimCall.objects.values_list("path", flat=True)) == ["/scim/v2/Groups"]

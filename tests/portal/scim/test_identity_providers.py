"""Requests in the shapes Entra ID and Okta send them (`requests/`, from their providers'
documented examples), replayed in the order they send them, and the directory they leave."""

import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from portal.factories import UserFactory
from portal.people.models import Staff

pytestmark = pytest.mark.django_db
REQUESTS = Path(__file__).with_name("requests")


def _request(name: str, **values) -> dict:
    text = (REQUESTS / f"{name}.json").read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return json.loads(text)


def _send(scim, method, path, name, status=200, **values):
    response = scim.send(method, path, _request(name, **values))
    assert response.status_code == status, response.json()
    return response.json()


def test_entra_id_joiner_mover_leaver_without_and_with_aadoptscim062020(scim):
    # Entra looks the person up by userName first, then creates them.
    query = scim.get(
        "Users",
        filter='userName eq "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1@contoso.example"',
    )
    assert query.json()["totalResults"] == 0
    user = _send(scim, "POST", "Users", "entra_create_user", status=201)
    staff = Staff.objects.select_related("department", "role", "location").get(pk=user["id"])
    assert (staff.employee_id, staff.display_name, staff.department.name, staff.role.name) == (
        "701984",
        "Test User 1",
        "Customer Success",
        "Solutions Engineer",
    )
    assert (staff.location.name, staff.email) == (
        "Dublin",
        "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@contoso.example",
    )
    boss = scim.post(
        "Users",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "boss@contoso.example",
            "emails": [{"type": "work", "value": "boss@contoso.example"}],
        },
    ).json()
    # Mover: Entra's PATCH with filtered paths, capitalised ops and the manager as a bare id.
    _send(scim, "PATCH", f"Users/{user['id']}", "entra_update_user", manager=boss["id"])
    staff.refresh_from_db()
    assert (staff.email, staff.department.name, staff.manager_id) == (
        "updatedEmail@contoso.example",
        "Sales",
        int(boss["id"]),
    )
    # The same tenant with aadOptscim062020: paths as keys of a path-less replace.
    moved = _send(scim, "PATCH", f"Users/{user['id']}", "entra_update_user_aadoptscim062020")
    staff.refresh_from_db()
    assert (staff.email, staff.location.name) == ("flagged@contoso.example", "Cork")
    assert moved["name"]["familyName"] == "flaggedFamilyName"
    # Leaver: "False" as text without the flag, a boolean with it.
    _send(scim, "PATCH", f"Users/{user['id']}", "entra_disable_user")
    staff.refresh_from_db()
    assert not staff.active
    scim.patch(f"Users/{user['id']}", [{"op": "Replace", "path": "active", "value": "True"}])
    staff.refresh_from_db()
    assert staff.active
    _send(scim, "PATCH", f"Users/{user['id']}", "entra_disable_user_aadoptscim062020")
    staff.refresh_from_db()
    assert not staff.active and Staff.objects.filter(pk=staff.pk).exists()


def test_entra_id_group_membership_moves_people_between_departments(scim):
    user = _send(scim, "POST", "Users", "entra_create_user", status=201)
    group = _send(scim, "POST", "Groups", "entra_create_group", status=201)
    _send(scim, "PATCH", f"Groups/{group['id']}", "entra_add_member", member=user["id"])
    assert Staff.objects.get(pk=user["id"]).department.name == "Customer Success"
    _send(scim, "PATCH", f"Groups/{group['id']}", "entra_remove_member", member=user["id"])
    assert Staff.objects.get(pk=user["id"]).department is None
    _send(scim, "PATCH", f"Groups/{group['id']}", "entra_add_member", member=user["id"])
    _send(
        scim,
        "PATCH",
        f"Groups/{group['id']}",
        "entra_remove_member_aadoptscim062020",
        member=user["id"],
    )
    assert Staff.objects.get(pk=user["id"]).department is None
    listed = scim.get(
        "Groups", filter='displayName eq "Customer Success"', excludedAttributes="members"
    )
    assert listed.json()["Resources"][0]["id"] == group["id"]
    assert "members" not in listed.json()["Resources"][0]


def test_okta_create_update_deactivate_and_push_groups(scim):
    user = _send(scim, "POST", "Users", "okta_create_user", status=201)
    jane = Staff.objects.get(pk=user["id"])
    jane.user = UserFactory(email="jane.doe@example.com")
    jane.save()
    assert jane.display_name == "Jane Doe" and jane.email == "jane.doe@example.com"
    assert "password" not in json.dumps(scim.get(f"Users/{user['id']}").json())
    found = scim.get("Users", filter='userName eq "jane.doe@example.com"', startIndex=1, count=100)
    assert found.json()["Resources"][0]["id"] == user["id"]
    _send(scim, "PUT", f"Users/{user['id']}", "okta_replace_user", id=user["id"])
    jane.refresh_from_db()
    assert (jane.display_name, jane.email) == ("Jane Smith", "jane.smith@example.com")
    group = _send(scim, "POST", "Groups", "okta_create_group", status=201)
    _send(scim, "PATCH", f"Groups/{group['id']}", "okta_group_members", member=user["id"])
    assert Staff.objects.get(pk=user["id"]).department.name == "Marketing"
    _send(scim, "PATCH", f"Groups/{group['id']}", "okta_rename_group", group=group["id"])
    assert Staff.objects.get(pk=user["id"]).department.name == "Growth Marketing"
    _send(scim, "PATCH", f"Groups/{group['id']}", "okta_group_remove_member", member=user["id"])
    assert Staff.objects.get(pk=user["id"]).department is None
    _send(scim, "PATCH", f"Users/{user['id']}", "okta_deactivate_user")
    jane.refresh_from_db()
    assert not jane.active and not get_user_model().objects.get(pk=jane.user_id).is_active

"""/scim/v2/Groups: departments whose members are their people, and the role groups settings
name, which give and take the role on the members' accounts."""

import pytest
from django.contrib.auth.models import Group as AuthGroup

from portal import permissions
from portal.factories import StaffFactory, UserFactory
from portal.people.models import Department, DirectoryRevision, Staff
from portal.scim.models import ScimGroup

from .conftest import user_payload

pytestmark = pytest.mark.django_db
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def _user(scim, name):
    response = scim.post("Users", user_payload(f"{name}@example.com"))
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def _group(scim, name, members=(), **extra):
    response = scim.post(
        "Groups",
        {
            "schemas": [GROUP],
            "displayName": name,
            "members": [{"value": pk} for pk in members],
            **extra,
        },
    )
    assert response.status_code == 201, response.json()
    return response.json()


def _department_of(pk):
    staff = Staff.objects.select_related("department").get(pk=pk)
    return staff.department.name if staff.department else None


def test_a_department_group_moves_its_members_into_the_department(scim):
    ann, bo = _user(scim, "ann"), _user(scim, "bo")
    before = DirectoryRevision.objects.get(pk=1).token
    sales = _group(scim, "Sales", [ann], externalId="grp-sales")
    assert _department_of(ann) == "Sales" and _department_of(bo) is None
    assert DirectoryRevision.objects.get(pk=1).token != before
    assert [m["value"] for m in scim.get(f"Groups/{sales['id']}").json()["members"]] == [ann]
    # Okta pushes membership as PATCH add/remove with filtered paths.
    scim.patch(
        f"Groups/{sales['id']}", [{"op": "add", "path": "members", "value": [{"value": bo}]}]
    )
    assert _department_of(bo) == "Sales"
    scim.patch(f"Groups/{sales['id']}", [{"op": "remove", "path": f'members[value eq "{ann}"]'}])
    assert _department_of(ann) is None and _department_of(bo) == "Sales"


def test_entra_id_removes_members_by_value_and_renames_with_a_capitalised_replace(scim):
    ann, bo = _user(scim, "ann"), _user(scim, "bo")
    group = _group(scim, "Support", [ann, bo])
    response = scim.patch(
        f"Groups/{group['id']}",
        [
            {"op": "Remove", "path": "members", "value": [{"value": ann}]},
            {"op": "Replace", "path": "displayName", "value": "Customer Support"},
        ],
    )
    assert response.status_code == 200, response.json()
    assert _department_of(ann) is None and _department_of(bo) == "Customer Support"
    assert Department.objects.filter(name="Customer Support").count() == 1


def test_a_group_for_a_department_the_hr_import_made_adopts_it_and_keeps_its_people(scim):
    legal = Department.objects.create(name="Legal")
    carl = StaffFactory(department=legal)
    ann = _user(scim, "ann")
    group = _group(scim, "LEGAL", [ann])
    assert ScimGroup.objects.get(pk=group["id"]).department == legal
    members = {m["value"] for m in scim.get(f"Groups/{group['id']}").json()["members"]}
    assert members == {ann, str(carl.pk)}
    assert scim.get("Groups", filter='displayName eq "legal"').json()["totalResults"] == 1


def test_deleting_a_group_keeps_the_department_and_its_people(scim):
    ann = _user(scim, "ann")
    group = _group(scim, "Finance", [ann])
    assert scim.delete(f"Groups/{group['id']}").status_code == 204
    assert scim.get(f"Groups/{group['id']}").status_code == 404
    assert _department_of(ann) == "Finance"


def test_unknown_members_and_a_name_taken_are_refused_in_words(scim):
    refused = scim.post(
        "Groups", {"schemas": [GROUP], "displayName": "X", "members": [{"value": "999"}]}
    )
    assert (
        refused.status_code == 400
        and "'999' is not the id of a User here" in refused.json()["detail"]
    )
    assert not ScimGroup.objects.exists() and not Department.objects.exists()
    _group(scim, "Ops")
    again = scim.post("Groups", {"schemas": [GROUP], "displayName": " ops "})
    assert again.status_code == 409 and again.json()["scimType"] == "uniqueness"


def test_groups_named_in_settings_give_and_take_the_role(scim, settings):
    settings.SSO_GROUPS_COMMUNITY_MANAGERS = ["Portal Community Managers"]
    settings.SSO_GROUPS_LEADERS = ["Portal Leaders"]
    ann = _user(scim, "ann")
    account = UserFactory(email="ann@example.com")
    Staff.objects.filter(pk=ann).update(user=account)
    group = _group(scim, "Portal Community Managers", [ann])
    assert ScimGroup.objects.get(pk=group["id"]).kind == ScimGroup.COMMUNITY_MANAGERS
    assert account.groups.filter(name=permissions.COMMUNITY_MANAGERS).exists()
    assert _department_of(ann) is None  # a role, not a department
    assert not Department.objects.filter(name="Portal Community Managers").exists()
    scim.patch(f"Groups/{group['id']}", [{"op": "replace", "path": "members", "value": []}])
    assert not account.groups.filter(name=permissions.COMMUNITY_MANAGERS).exists()
    leaders = _group(scim, "portal leaders", [ann])
    assert account.groups.filter(name=permissions.LEADERS).exists()
    scim.delete(f"Groups/{leaders['id']}")
    assert not account.groups.filter(name=permissions.LEADERS).exists()
    assert AuthGroup.objects.filter(name=permissions.LEADERS).exists()


def test_discovery_describes_users_and_groups(scim):
    types = {r["id"]: r for r in scim.get("ResourceTypes").json()["Resources"]}
    assert types["User"]["endpoint"] == "/Users" and types["Group"]["endpoint"] == "/Groups"
    assert types["User"]["schemaExtensions"][0]["schema"].endswith("enterprise:2.0:User")
    schemas = {s["id"]: s for s in scim.get("Schemas").json()["Resources"]}
    user = {
        a["name"]: a for a in schemas["urn:ietf:params:scim:schemas:core:2.0:User"]["attributes"]
    }
    assert (
        user["emails"]["required"] is True and "password" not in user and "phoneNumbers" not in user
    )
    one = scim.get("Schemas/urn:ietf:params:scim:schemas:core:2.0:Group")
    assert one.status_code == 200 and one.json()["name"] == "Group"
    assert scim.get("ResourceTypes/Nope").status_code == 404
    assert scim.send("POST", "ServiceProviderConfig", {}).status_code == 405


def test_root_search_lists_users_and_groups(scim):
    ann = _user(scim, "ann")
    group = _group(scim, "Sales", [ann])
    found = scim.post(
        ".search", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"]}
    ).json()
    assert [r["id"] for r in found["Resources"]] == [ann, group["id"]]
    named = scim.post(
        ".search",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
            "filter": 'displayName eq "Sales"',
        },
    ).json()
    assert [r["id"] for r in named["Resources"]][-1] == group["id"]

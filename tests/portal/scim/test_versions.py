"""Versions (RFC 7644 §3.14): every User and Group carries a weak ETag in `meta.version` and in
the `ETag` header; a write naming a version it no longer has is refused with 412 and changes
nothing, whoever changed the resource since (SCIM, the HR import, a group's membership)."""

import re

import pytest

from portal.factories import StaffFactory
from portal.people.models import Department, DirectoryRevision, Staff

from .conftest import ENTERPRISE, user_payload

pytestmark = pytest.mark.django_db
WEAK = re.compile(r'^W/"[0-9a-f]{32}"$')


def _revision():
    return DirectoryRevision.objects.filter(pk=1).values_list("token", flat=True).first()


def _joiner(scim, user_name="ann@example.com", **extra):
    response = scim.post("Users", user_payload(user_name, **extra))
    assert response.status_code == 201, response.json()
    return response


def _stale(response, version):
    assert response.status_code == 412, response.content
    error = response.json()
    assert error["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert error["status"] == "412"
    assert f"has changed since the version this request names ({version})" in error["detail"]
    assert "Read it again" in error["detail"]


def test_the_service_provider_says_etags_are_supported(scim):
    assert scim.get("ServiceProviderConfig").json()["etag"] == {"supported": True}


def test_every_answer_about_one_user_carries_its_version(scim):
    created = _joiner(scim, displayName="Ann", enterprise={"department": "Sales"})
    version = created.json()["meta"]["version"]
    assert WEAK.match(version) and created["ETag"] == version
    read = scim.get(f"Users/{created.json()['id']}")
    assert read["ETag"] == version and read.json()["meta"]["version"] == version
    only_name = scim.get(f"Users/{created.json()['id']}", attributes="userName")
    assert "meta" not in only_name.json() and only_name["ETag"] == version  # the header stays
    listed = scim.get("Users").json()["Resources"][0]
    assert listed["meta"]["version"] == version

    patched = scim.patch(
        f"Users/{created.json()['id']}",
        [{"op": "replace", "path": "displayName", "value": "Ann B"}],
    )
    assert patched["ETag"] == patched.json()["meta"]["version"] != version
    replaced = scim.put(f"Users/{created.json()['id']}", user_payload("ann@example.com"))
    assert replaced["ETag"] == replaced.json()["meta"]["version"] != patched["ETag"]


def test_a_get_naming_the_current_version_is_304_without_a_body(scim):
    created = _joiner(scim)
    path = f"Users/{created.json()['id']}"
    same = scim.client.get(
        f"/scim/v2/{path}",
        HTTP_AUTHORIZATION=f"Bearer {scim.token}",
        HTTP_IF_NONE_MATCH=created["ETag"],
    )
    assert same.status_code == 304 and same.content == b"" and same["ETag"] == created["ETag"]
    other = scim.client.get(
        f"/scim/v2/{path}",
        HTTP_AUTHORIZATION=f"Bearer {scim.token}",
        HTTP_IF_NONE_MATCH='W/"0123"',
    )
    assert other.status_code == 200 and other.json()["id"] == created.json()["id"]


def _send(scim, method, path, data, if_match):
    return getattr(scim.client, method)(
        f"/scim/v2/{path}",
        data,
        content_type="application/scim+json",
        HTTP_AUTHORIZATION=f"Bearer {scim.token}",
        HTTP_IF_MATCH=if_match,
    )


def _patch(displayName):  # noqa: N803 - the attribute's name
    return {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "displayName", "value": displayName}],
    }


def test_writes_naming_a_stale_version_are_412_and_change_nothing(scim):
    created = _joiner(scim, displayName="Ann")
    path, first = f"Users/{created.json()['id']}", created["ETag"]
    changed = _send(scim, "patch", path, _patch("Ann B"), first)  # the version it has: fine
    assert changed.status_code == 200 and changed.json()["displayName"] == "Ann B"
    before = _revision()

    _stale(_send(scim, "patch", path, _patch("Ann C"), first), first)
    _stale(
        _send(scim, "put", path, user_payload("ann@example.com", displayName="Ann D"), first), first
    )
    _stale(_send(scim, "delete", path, None, first), first)
    staff = Staff.objects.get(pk=created.json()["id"])
    assert (staff.display_name, staff.active) == ("Ann B", True)
    assert _revision() == before

    # The version as a list, strong or weak, and `*`: each names the current one.
    current = changed["ETag"]
    for header in (f'W/"x", {current}', current.removeprefix("W/"), "*"):
        answer = _send(scim, "patch", path, _patch("Ann B"), header)
        assert answer.status_code == 200, header
    assert _send(scim, "delete", path, None, current).status_code == 204
    assert not Staff.objects.get(pk=created.json()["id"]).active


def test_a_change_the_directory_made_outside_scim_makes_the_version_stale(scim):
    created = _joiner(scim, enterprise={"department": "Sales"})
    staff = Staff.objects.get(pk=created.json()["id"])
    staff.department = Department.objects.create(name="Support")  # the HR import moved them
    staff.save()
    read = scim.get(f"Users/{staff.pk}")
    assert read.json()[ENTERPRISE]["department"] == "Support"
    assert read["ETag"] != created["ETag"]
    path = f"Users/{staff.pk}"
    _stale(_send(scim, "patch", path, _patch("Ann B"), created["ETag"]), created["ETag"])
    assert _send(scim, "patch", path, _patch("Ann B"), read["ETag"]).status_code == 200


def test_someone_the_hr_import_made_has_a_version_too(scim):
    carl = StaffFactory(email="carl@example.com")
    read = scim.get(f"Users/{carl.pk}")
    assert WEAK.match(read["ETag"]) and read.json()["meta"]["version"] == read["ETag"]
    _stale(_send(scim, "delete", f"Users/{carl.pk}", None, 'W/"old"'), 'W/"old"')
    assert Staff.objects.get(pk=carl.pk).active


def test_groups_carry_versions_that_change_with_their_members(scim):
    ann = _joiner(scim).json()
    made = scim.post(
        "Groups",
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Sales"},
    )
    assert made.status_code == 201 and WEAK.match(made["ETag"])
    assert made.json()["meta"]["version"] == made["ETag"]
    group = f"Groups/{made.json()['id']}"
    assert scim.get(group)["ETag"] == made["ETag"]

    # Ann joins the department by a change to her User: the group's members, so its version.
    scim.patch(
        f"Users/{ann['id']}",
        [{"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Sales"}],
    )
    now = scim.get(group)
    assert [m["value"] for m in now.json()["members"]] == [ann["id"]]
    assert now["ETag"] != made["ETag"]
    rename = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "displayName", "value": "Sales EMEA"}],
    }
    _stale(_send(scim, "patch", group, rename, made["ETag"]), made["ETag"])
    put = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "X"}
    _stale(_send(scim, "put", group, put, made["ETag"]), made["ETag"])
    _stale(_send(scim, "delete", group, None, made["ETag"]), made["ETag"])
    assert Department.objects.filter(name="Sales").exists()
    renamed = _send(scim, "patch", group, rename, now["ETag"])
    assert renamed.status_code == 200 and renamed["ETag"] != now["ETag"]
    assert _send(scim, "delete", group, None, renamed["ETag"]).status_code == 204

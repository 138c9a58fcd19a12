"""/scim/v2/Users against the directory: joiners, movers, leavers, the HR import's rules in
SCIM's words, filters and pages, and the manager who arrives after their reports."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.utils import timezone

from portal.factories import StaffFactory, UserFactory
from portal.people.models import Department, DirectoryRevision, Location, Role, Staff
from portal.scim import ratelimit
from portal.scim.models import ScimCall, ScimUser
from portal.tiers.models import EngagementEvent

from .conftest import CORE, ENTERPRISE, user_payload

pytestmark = pytest.mark.django_db


def _revision():
    return DirectoryRevision.objects.filter(pk=1).values_list("token", flat=True).first()


def _joiner(scim, user_name="ann@example.com", **extra):
    response = scim.post("Users", user_payload(user_name, **extra))
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_joiner_is_in_the_directory_with_department_role_location_and_id(scim):
    before = _revision()
    created = _joiner(
        scim,
        externalId="00u1",
        displayName="Ann Example",
        title="Account Executive",
        addresses=[{"type": "work", "locality": "Berlin", "country": "DE"}],
        enterprise={"employeeNumber": "E100", "department": "Sales"},
    )
    ann = Staff.objects.get(pk=created["id"])
    assert (ann.employee_id, ann.email, ann.display_name) == (
        "E100",
        "ann@example.com",
        "Ann Example",
    )
    assert (ann.department.name, ann.role.name, ann.location.name) == (
        "Sales",
        "Account Executive",
        "Berlin",
    )
    assert ann.active and _revision() != before
    assert created["meta"]["location"].endswith(f"/scim/v2/Users/{ann.pk}")
    assert scim.get(f"Users/{ann.pk}").json() == created  # what was put comes back


def test_names_of_departments_roles_and_locations_match_as_the_import_matches(scim):
    sales = Department.objects.create(name="Sales")
    _joiner(scim, title="engineer", enterprise={"department": "  SALES "})
    _joiner(scim, "bo@example.com", title="Engineer", enterprise={"department": "sales"})
    assert Department.objects.count() == 1
    assert set(Staff.objects.values_list("department", flat=True)) == {sales.pk}
    assert Role.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (user_payload("ann", email="not an address"), "is not a valid email address"),
        (user_payload("ann@example.com", displayName="A" * 201), "displayName is longer than 200"),
        (
            user_payload("ann@example.com", enterprise={"department": "D" * 121}),
            "department is longer than 120",
        ),
        (
            user_payload("ann@example.com", enterprise={"employeeNumber": "E" * 65}),
            "employeeNumber is longer than 64",
        ),
        ({"schemas": [CORE], "userName": "ann@example.com"}, "emails is missing"),
        ({"schemas": [CORE], "emails": [{"value": "ann@example.com"}]}, "userName"),
    ],
)
def test_a_bad_person_is_refused_in_words_and_nothing_is_written(scim, payload, words):
    before = _revision()
    response = scim.post("Users", payload)
    assert response.status_code == 400
    error = response.json()
    assert error["scimType"] in ("invalidValue", "invalidSyntax") and words in error["detail"]
    assert not Staff.objects.exists() and not ScimUser.objects.exists()
    assert _revision() == before
    call = ScimCall.objects.get()
    assert call.status == 400 and "ann@example.com" not in call.detail


def test_an_address_taken_by_someone_else_is_a_conflict_whatever_its_case_or_width(scim):
    StaffFactory(employee_id="E1", email="Ann@Example.com")
    for address in ("ann@example.com", "ＡＮＮ@example.com".lower()):
        response = scim.post(
            "Users",
            user_payload("ann.b@example.com", email=address, enterprise={"employeeNumber": "E2"}),
        )
        assert response.status_code in (400, 409)
        assert Staff.objects.count() == 1
    conflict = scim.post(
        "Users",
        user_payload(
            "ann.b@example.com", email="ANN@example.com", enterprise={"employeeNumber": "E2"}
        ),
    )
    assert conflict.status_code == 409 and conflict.json()["scimType"] == "uniqueness"
    assert (
        'the work email "ANN@example.com" already belongs to employee "E1"'
        in (conflict.json()["detail"])
    )


def test_the_same_user_name_twice_is_a_conflict(scim):
    _joiner(scim)
    again = scim.post("Users", user_payload("ANN@example.com", email="other@example.com"))
    assert again.status_code == 409 and again.json()["scimType"] == "uniqueness"
    assert Staff.objects.count() == 1


def test_someone_the_hr_import_made_is_found_by_filter_and_adopted_not_duplicated(scim):
    carl = StaffFactory(employee_id="E7", email="carl@example.com", display_name="Carl")
    found = scim.get("Users", filter='userName eq "CARL@example.com"').json()
    assert found["totalResults"] == 1 and found["Resources"][0]["id"] == str(carl.pk)
    assert found["Resources"][0][ENTERPRISE]["employeeNumber"] == "E7"
    created = scim.post(
        "Users", user_payload("carl@example.com", enterprise={"employeeNumber": "E7"})
    )
    assert created.status_code == 201 and created.json()["id"] == str(carl.pk)
    assert Staff.objects.count() == 1


def test_filters_identity_providers_use(scim):
    ann = _joiner(scim, externalId="00u-ann")
    _joiner(scim, "bo@example.com", externalId="00u-bo")
    for text in (
        'userName eq "Ann@Example.COM"',
        'externalId eq "00u-ann"',
        'emails[type eq "work"].value eq "ann@example.com"',
        'emails.value eq "ann@example.com"',
        f'id eq "{ann["id"]}"',
        'userName eq "ann@example.com" and active eq true',
    ):
        page = scim.get("Users", filter=text).json()
        assert [r["id"] for r in page["Resources"]] == [ann["id"]], text
    assert scim.get("Users", filter='userName eq "nobody@example.com"').json()["totalResults"] == 0
    refused = scim.get("Users", filter='nickName eq "x"')
    assert refused.status_code == 400 and refused.json()["scimType"] == "invalidFilter"
    garbled = scim.get("Users", filter='userName eq "unterminated')
    assert garbled.status_code == 400 and garbled.json()["scimType"] == "invalidFilter"


def test_pages_by_start_index_and_count(scim):
    ids = [_joiner(scim, f"p{n}@example.com")["id"] for n in range(5)]
    page = scim.get("Users", startIndex=2, count=2).json()
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (5, 2, 2)
    assert [r["id"] for r in page["Resources"]] == ids[1:3]
    assert scim.get("Users", count=0).json()["totalResults"] == 5
    assert scim.get("Users", startIndex="x").status_code == 400
    only = scim.get("Users", attributes="userName").json()["Resources"][0]
    assert set(only) == {"schemas", "id", "userName"}


def test_put_replaces_the_person(scim):
    ann = _joiner(
        scim, title="Engineer", enterprise={"department": "Sales", "employeeNumber": "E1"}
    )
    replaced = scim.put(
        f"Users/{ann['id']}",
        user_payload("ann@example.com", displayName="Ann B", enterprise={"employeeNumber": "E1"}),
    )
    assert replaced.status_code == 200
    staff = Staff.objects.get(pk=ann["id"])
    assert (staff.display_name, staff.department, staff.role) == ("Ann B", None, None)


def test_entra_id_patches_capitalised_with_paths_and_strings_for_booleans(scim, client):
    ann = _joiner(scim, enterprise={"employeeNumber": "E1"})
    staff = Staff.objects.get(pk=ann["id"])
    staff.user = UserFactory(email="ann@example.com")
    staff.save()
    client.force_login(staff.user)
    response = scim.patch(
        f"Users/{ann['id']}",
        [
            {"op": "Replace", "path": "displayName", "value": "Ann Leaving"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ann.l@example.com"},
            {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "Finance"},
            {"op": "Replace", "path": "active", "value": "False"},
        ],
    )
    assert response.status_code == 200, response.json()
    staff.refresh_from_db()
    assert (staff.display_name, staff.email, staff.department.name) == (
        "Ann Leaving",
        "ann.l@example.com",
        "Finance",
    )
    assert not staff.active and not get_user_model().objects.get(pk=staff.user_id).is_active
    assert client.get("/my-path/").status_code == 302  # the open session ended


def test_entra_id_with_aadoptscim062020_sends_paths_as_keys_and_real_booleans(scim):
    ann = _joiner(scim)
    response = scim.patch(
        f"Users/{ann['id']}",
        [
            {
                "op": "replace",
                "value": {
                    'emails[type eq "work"].value': "ann.new@example.com",
                    "name.familyName": "Example",
                    "name.givenName": "Ann",
                    "displayName": "Ann Example",
                    f"{ENTERPRISE}:department": "Legal",
                    "active": False,
                },
            }
        ],
    )
    assert response.status_code == 200, response.json()
    staff = Staff.objects.get(pk=ann["id"])
    assert (staff.email, staff.display_name, staff.department.name, staff.active) == (
        "ann.new@example.com",
        "Ann Example",
        "Legal",
        False,
    )
    assert response.json()["name"] == {"familyName": "Example", "givenName": "Ann"}


def test_okta_deactivates_with_a_pathless_replace(scim):
    ann = _joiner(scim)
    response = scim.patch(f"Users/{ann['id']}", [{"op": "replace", "value": {"active": False}}])
    assert response.status_code == 200 and response.json()["active"] is False
    assert not Staff.objects.get(pk=ann["id"]).active
    back = scim.patch(f"Users/{ann['id']}", [{"op": "replace", "value": {"active": True}}])
    assert back.json()["active"] is True and Staff.objects.get(pk=ann["id"]).active


def test_remove_clears_and_a_bad_patch_changes_nothing(scim):
    ann = _joiner(scim, title="Engineer", addresses=[{"type": "work", "locality": "Oslo"}])
    removed = scim.patch(f"Users/{ann['id']}", [{"op": "remove", "path": "title"}])
    assert removed.status_code == 200 and "title" not in removed.json()
    assert Staff.objects.get(pk=ann["id"]).role is None
    before = _revision()
    bad = scim.patch(
        f"Users/{ann['id']}",
        [
            {"op": "replace", "path": "displayName", "value": "Changed"},
            {"op": "replace", "path": 'emails[type eq "work"].value', "value": "nope"},
        ],
    )
    assert bad.status_code == 400 and "is not a valid email address" in bad.json()["detail"]
    assert Staff.objects.get(pk=ann["id"]).display_name != "Changed" and _revision() == before
    unknown_op = scim.patch(f"Users/{ann['id']}", [{"op": "move", "path": "title", "value": "x"}])
    assert unknown_op.status_code == 400 and unknown_op.json()["scimType"] == "invalidValue"


def test_delete_is_a_leaver_with_history_kept(scim):
    ann = _joiner(scim, enterprise={"employeeNumber": "E1"})
    staff = Staff.objects.get(pk=ann["id"])
    EngagementEvent.objects.create(
        staff=staff, kind="faq_viewed", source="web", occurred_at=timezone.now()
    )
    assert scim.delete(f"Users/{ann['id']}").status_code == 204
    staff.refresh_from_db()
    assert not staff.active and EngagementEvent.objects.filter(staff=staff).count() == 1
    assert scim.get(f"Users/{ann['id']}").status_code == 404
    assert scim.get("Users", filter='userName eq "ann@example.com"').json()["totalResults"] == 0
    rehired = scim.post(
        "Users", user_payload("ann@example.com", enterprise={"employeeNumber": "E1"})
    )
    assert rehired.status_code == 201 and rehired.json()["id"] == ann["id"]
    staff.refresh_from_db()
    assert staff.active and Staff.objects.count() == 1


def test_a_manager_who_arrives_after_their_reports_is_resolved_when_they_arrive(scim):
    ann = _joiner(scim, enterprise={"manager": {"value": "00u-boss"}})
    bo = _joiner(scim, "bo@example.com", enterprise={"manager": "00u-boss"})
    assert Staff.objects.get(pk=ann["id"]).manager is None
    assert scim.get(f"Users/{ann['id']}").json()[ENTERPRISE]["manager"] == {"value": "00u-boss"}
    before = _revision()
    boss = _joiner(scim, "boss@example.com", externalId="00u-boss")
    for report in (ann, bo):
        assert Staff.objects.get(pk=report["id"]).manager_id == int(boss["id"])
        manager = scim.get(f"Users/{report['id']}").json()[ENTERPRISE]["manager"]
        assert manager["value"] == boss["id"]
    assert _revision() != before


def test_managers_by_id_and_loops_refused_in_words(scim):
    ann = _joiner(scim)
    bo = _joiner(scim, "bo@example.com", enterprise={"manager": {"value": ann["id"]}})
    assert Staff.objects.get(pk=bo["id"]).manager_id == int(ann["id"])
    loop = scim.patch(
        f"Users/{ann['id']}",
        [{"op": "Add", "path": f"{ENTERPRISE}:manager", "value": bo["id"]}],  # Entra's shape
    )
    assert loop.status_code == 400 and "loop of managers" in loop.json()["detail"]
    assert Staff.objects.get(pk=ann["id"]).manager is None
    itself = scim.patch(
        f"Users/{ann['id']}",
        [{"op": "add", "path": f"{ENTERPRISE}:manager", "value": {"value": ann["id"]}}],
    )
    assert itself.status_code == 400 and "nobody manages themselves" in itself.json()["detail"]


def test_a_movers_new_department_and_manager_shows_in_the_directory_at_once(scim):
    boss = _joiner(scim, "boss@example.com")
    ann = _joiner(scim, enterprise={"department": "Sales"})
    moved = scim.patch(
        f"Users/{ann['id']}",
        [
            {"op": "replace", "path": f"{ENTERPRISE}:department", "value": "Marketing"},
            {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": boss["id"]}},
            {"op": "replace", "path": "addresses", "value": [{"type": "work", "locality": "Lyon"}]},
        ],
    )
    assert moved.status_code == 200
    staff = Staff.objects.select_related("department", "location").get(pk=ann["id"])
    assert (staff.department.name, staff.manager_id, staff.location.name) == (
        "Marketing",
        int(boss["id"]),
        "Lyon",
    )
    assert Location.objects.filter(name="Lyon").exists()


def test_what_the_hr_import_changed_is_what_scim_reads(scim):
    ann = _joiner(
        scim, title="Engineer", enterprise={"department": "Sales", "employeeNumber": "E1"}
    )
    staff = Staff.objects.get(pk=ann["id"])
    staff.department = Department.objects.create(name="Support")
    staff.display_name = "Ann Renamed"
    staff.save()
    read = scim.get(f"Users/{ann['id']}").json()
    assert read["displayName"] == "Ann Renamed" and read[ENTERPRISE]["department"] == "Support"


@override_settings(DIRECTORY_SOURCE="csv")
def test_with_the_csv_owning_the_directory_scim_reads_but_never_writes(scim):
    StaffFactory(email="carl@example.com")
    assert scim.get("Users").json()["totalResults"] == 1
    refused = scim.post("Users", user_payload("ann@example.com"))
    assert refused.status_code == 403 and "DIRECTORY_SOURCE=csv" in refused.json()["detail"]
    assert Staff.objects.count() == 1


def test_a_body_over_the_limit_is_413_and_the_rate_limit_429(scim, settings, monkeypatch):
    settings.SCIM_MAX_BODY_BYTES = 2048
    big = scim.post("Users", user_payload("ann@example.com", displayName="x" * 4000))
    assert big.status_code == 413 and "larger than 2 KB" in big.json()["detail"]
    assert not Staff.objects.exists()
    monkeypatch.setattr(ratelimit, "now", lambda: datetime(2030, 1, 1, 12, 0, 20, tzinfo=UTC))
    settings.SCIM_RATE_LIMIT_PER_MINUTE = 3
    statuses = [scim.get("ServiceProviderConfig").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = scim.get("Users")
    assert limited["Retry-After"] == "40" and limited.json()["status"] == "429"


def test_not_json_and_nul_characters_are_scim_errors(scim):
    response = scim.send("POST", "Users", raw=b"{not json")
    assert response.status_code == 400 and response.json()["scimType"] == "invalidSyntax"
    nul = scim.post("Users", user_payload("ann\x00@example.com"))
    assert nul.status_code == 400 and nul["Content-Type"] == "application/scim+json"
    assert not Staff.objects.exists()


def test_deleting_someone_the_hr_import_made_whose_address_is_another_users_user_name(scim):
    carl = StaffFactory(employee_id="E7", email="carl@example.com")
    dana = _joiner(scim, "carl@example.com", email="dana@example.com")  # her userName: his address
    assert dana["id"] != str(carl.pk)
    assert scim.delete(f"Users/{carl.pk}").status_code == 204
    carl.refresh_from_db()
    assert not carl.active and scim.get(f"Users/{carl.pk}").status_code == 404
    assert scim.get(f"Users/{dana['id']}").json()["userName"] == "carl@example.com"
    back = scim.post(
        "Users",
        user_payload(
            "carl.b@example.com", email="carl@example.com", enterprise={"employeeNumber": "E7"}
        ),
    )
    assert back.status_code == 201 and back.json()["id"] == str(carl.pk)


def test_a_bad_attributes_parameter_on_a_write_is_refused_before_anything_changes(scim):
    ann = _joiner(scim, displayName="Ann")
    before = _revision()
    patched = scim.client.patch(
        f"/scim/v2/Users/{ann['id']}?attributes=no%20such",
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "displayName", "value": "Changed"}],
        },
        content_type="application/scim+json",
        HTTP_AUTHORIZATION=f"Bearer {scim.token}",
    )
    assert patched.status_code == 400 and patched.json()["scimType"] == "invalidPath"
    created = scim.client.post(
        "/scim/v2/Users?attributes=no%20such",
        user_payload("bo@example.com"),
        content_type="application/scim+json",
        HTTP_AUTHORIZATION=f"Bearer {scim.token}",
    )
    assert created.status_code == 400
    assert Staff.objects.get(pk=ann["id"]).display_name == "Ann"
    assert Staff.objects.count() == 1 and _revision() == before

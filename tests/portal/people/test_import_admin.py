"""The staff import screen in the Wagtail admin: who may open it, preview, confirm, refusals."""

import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts.zones import time_zone_set
from portal.factories import UserFactory
from portal.people import views
from portal.people.importing import pending
from portal.people.models import DirectoryImport, PendingImport, Staff

from . import csv_bytes

GOOD = csv_bytes(
    "E1,boss@example.com,Bo Boss,Sales,Director,Leeds,,2019-05-01",
    "E2,ann@example.com,Ann,Sales,Rep,Leeds,boss@example.com,",
)
BAD = csv_bytes(
    "E1,boss@example.com,Bo Boss,,,,,",
    "E2,<script>alert(1)</script>,Ann,,,,,",
    "E3,BOSS@example.com,Cy,,,,,",
)


def _upload(client, data: bytes, name: str = "staff.csv", mode: str = "update"):
    return client.post(
        reverse("portal_staff_import"),
        {"file": SimpleUploadedFile(name, data, "text/csv"), "mode": mode},
    )


def _confirm(client, token: str, **extra):
    return client.post(
        reverse("portal_staff_import_confirm"), {"token": token, **extra}, follow=True
    )


def test_community_manager_opens_the_screen_and_sees_it_in_the_menu(client, community_manager):
    client.force_login(community_manager)
    response = client.get(reverse("portal_staff_import"))
    assert response.status_code == 200
    assert b"Upload the HR export" in response.content
    assert (
        reverse("portal_staff_import").encode() in client.get(reverse("wagtailadmin_home")).content
    )


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_people_without_admin_access_are_refused(client, role_users, who):
    client.force_login(role_users[who])
    for url in (reverse("portal_staff_import"), reverse("portal_staff_import_confirm")):
        assert client.get(url, follow=True).status_code == 403


def test_admin_users_who_do_not_run_the_programme_get_403_and_no_menu_item(client, db):
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get(reverse("portal_staff_import")).status_code == 403
    assert _upload(client, GOOD).status_code == 403
    assert _confirm(client, "x").status_code == 403
    assert (
        reverse("portal_staff_import").encode()
        not in client.get(reverse("wagtailadmin_home")).content
    )
    assert not Staff.objects.exists()


def test_upload_previews_then_confirm_applies(client, community_manager):
    Staff.objects.create(employee_id="OLD", email="old@example.com", display_name="Old")
    client.force_login(community_manager)

    response = _upload(client, GOOD)

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged, result.deactivated) == (2, 0, 0, 0)
    assert b"Import these changes" in response.content
    assert Staff.objects.count() == 1  # a preview writes nothing
    token = response.context["token"]
    waiting = PendingImport.objects.get()
    assert (waiting.user, bytes(waiting.data), waiting.mode) == (community_manager, GOOD, "update")
    assert token not in waiting.token_hash  # only the token's hash is kept

    response = _confirm(client, token)

    assert response.status_code == 200
    assert b"Staff imported: 2 added, 0 updated, 0 unchanged, 0 marked inactive." in (
        response.content
    )
    assert Staff.objects.get(employee_id="E2").manager.employee_id == "E1"
    assert Staff.objects.get(employee_id="OLD").active  # add and update only, by default
    assert not PendingImport.objects.exists()  # the upload is gone once applied

    response = _confirm(client, token)  # twice: refused, nothing more happens
    assert b"no longer waiting" in response.content


def _directory(active: int):
    Staff.objects.bulk_create(
        Staff(employee_id=f"P{i}", email=f"p{i}@example.com", display_name=f"Person {i:02}")
        for i in range(active)
    )


def test_a_full_import_that_empties_the_directory_needs_the_count_typed(client, community_manager):
    _directory(40)
    client.force_login(community_manager)

    response = _upload(client, GOOD, mode="full")

    html = response.content.decode()
    result = response.context["result"]
    assert (result.deactivated, result.directory_size, result.confirmation_needed) == (40, 40, True)
    assert "Who would be marked inactive" in html and "Person 00" in html and "Person 39" in html
    assert "40 of 40" in html and "Type 40 to confirm" in html
    token = response.context["token"]

    for typed in ("", "4O", "39", "-40", "40" * 10):
        response = client.post(
            reverse("portal_staff_import_confirm"), {"token": token, "departures": typed}
        )
        assert response.status_code == 400, typed
        assert b"would mark 40 of 40 active people inactive" in response.content
        assert 'aria-invalid="true"' in response.content.decode()
        assert Staff.objects.filter(active=True).count() == 40  # nothing written
        assert not Staff.objects.filter(employee_id="E1").exists()

    response = _confirm(client, token, departures="40")

    assert b"40 marked inactive" in response.content
    assert Staff.objects.filter(active=True).count() == 2


def test_a_few_leavers_in_a_full_export_are_listed_without_typing(client, community_manager):
    _directory(40)
    rows = [f"P{i},p{i}@example.com,Person {i:02},,,,," for i in range(38)]
    client.force_login(community_manager)

    response = _upload(client, csv_bytes(*rows), mode="full")

    result = response.context["result"]
    assert (result.deactivated, result.confirmation_needed) == (2, False)
    assert [leaver.name for leaver in result.leavers] == ["Person 38", "Person 39"]
    assert b'name="departures"' not in response.content
    assert b"Import and mark 2 inactive" in response.content
    _confirm(client, response.context["token"])
    assert set(Staff.objects.filter(active=False).values_list("employee_id", flat=True)) == {
        "P38",
        "P39",
    }


def test_the_last_import_can_be_undone_once(client, community_manager):
    _directory(3)
    Staff.objects.filter(employee_id="P1").update(display_name="Before")
    client.force_login(community_manager)
    rows = ["P1,p1@example.com,After,,,,,", "N1,n1@example.com,New,,,,,"]
    response = _upload(client, csv_bytes(*rows), mode="full")
    _confirm(client, response.context["token"], departures="2")
    assert list(Staff.objects.filter(active=True).order_by("pk").values_list("display_name")) == [
        ("After",),
        ("New",),
    ]
    page = client.get(reverse("portal_staff_import")).content.decode()
    assert "Undo this import" in page

    import_id = DirectoryImport.objects.get().pk
    response = client.post(reverse("portal_staff_import_undo"), {"import": import_id}, follow=True)

    assert b"was undone" in response.content
    assert list(Staff.objects.filter(active=True).order_by("pk").values_list("display_name")) == [
        ("Person 00",),
        ("Before",),
        ("Person 02",),
    ]
    assert not Staff.objects.get(employee_id="N1").active  # created, now inactive, not deleted
    assert "Undo this import" not in client.get(reverse("portal_staff_import")).content.decode()

    again = client.post(reverse("portal_staff_import_undo"), {"import": import_id})
    assert again.status_code == 409
    assert b"can no longer be undone" in again.content


def test_an_import_cannot_be_undone_once_the_directory_changed_since(client, community_manager):
    client.force_login(community_manager)
    _confirm(client, _upload(client, GOOD).context["token"])

    Staff.objects.create(employee_id="X", email="x@example.com", display_name="Edited since")
    response = client.post(
        reverse("portal_staff_import_undo"), {"import": DirectoryImport.objects.get().pk}
    )
    assert response.status_code == 409
    assert Staff.objects.filter(employee_id="E1", active=True).exists()


@pytest.mark.parametrize("value", ["", "abc", "9" * 30])
def test_undo_with_no_import_named_is_a_400(client, community_manager, value):
    client.force_login(community_manager)
    assert client.post(reverse("portal_staff_import_undo"), {"import": value}).status_code in (
        400,
        409,
    )


def test_bad_file_shows_every_bad_row_and_cannot_be_confirmed(client, community_manager):
    client.force_login(community_manager)

    response = _upload(client, BAD)

    html = response.content.decode()
    assert [error.line for error in response.context["result"].errors] == [2, 3, 4]
    assert "3 rows need fixing" in html
    assert "<td>3</td>" in html and "not a valid email" in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert 'name="token"' not in html
    assert not PendingImport.objects.exists()

    response = _confirm(client, "made-up-token")
    assert b"no longer waiting" in response.content
    assert not Staff.objects.exists()


def test_a_file_that_cannot_be_read_says_so_without_a_table_of_zeros(client, community_manager):
    client.force_login(community_manager)

    response = _upload(client, b"PK\x03\x04" + bytes(range(256)), name="staff.xlsx")

    html = response.content.decode()
    assert "staff.xlsx could not be read" in html
    assert "spreadsheet workbook" in html and "Nothing was imported." in html
    assert "Rows read" not in html and "row needs fixing" not in html


def test_add_only_says_nobody_is_marked_inactive(client, community_manager):
    _directory(3)
    client.force_login(community_manager)

    html = _upload(client, GOOD).content.decode()

    assert "Nobody: this file only adds and updates people" in html
    assert "of 3 active" not in html


def test_undo_and_the_last_import_show_the_readers_time(client, community_manager):
    time_zone_set(user=community_manager, name="Pacific/Auckland")
    client.force_login(community_manager)
    _confirm(client, _upload(client, GOOD).context["token"])
    record = DirectoryImport.objects.get()
    shown = timezone.localtime(record.applied_at, zoneinfo.ZoneInfo("Pacific/Auckland"))

    page = client.get(reverse("portal_staff_import")).content.decode()
    assert f"{shown:%-d %b %Y, %H:%M}" in page
    response = client.post(reverse("portal_staff_import_undo"), {"import": record.pk}, follow=True)
    assert f"The import of {shown:%-d %b %Y, %H:%M} was undone" in response.content.decode()


def test_confirm_checks_again_and_applies_nothing_if_the_directory_changed(
    client, community_manager
):
    client.force_login(community_manager)
    token = _upload(client, GOOD).context["token"]
    Staff.objects.create(employee_id="X", email="ann@example.com", display_name="Taken")

    response = client.post(reverse("portal_staff_import_confirm"), {"token": token})

    assert response.status_code == 409
    assert b"Nothing was imported" in response.content
    assert b"already belongs to employee" in response.content
    assert list(Staff.objects.values_list("employee_id", flat=True)) == ["X"]


def test_another_server_confirms_the_preview_for_the_same_person(community_manager):
    """Preview on one server, confirm on another: two clients, two sessions, one person. The
    upload waits in the database, so the second finds it without the first's disk or session."""
    first, second = Client(), Client()
    first.force_login(community_manager)
    second.force_login(community_manager)
    token = _upload(first, GOOD).context["token"]

    response = _confirm(second, token)

    assert b"Staff imported: 2 added" in response.content
    assert Staff.objects.count() == 2
    assert DirectoryImport.objects.get().applied_by == community_manager
    assert b"no longer waiting" in _confirm(first, token).content  # used up, on every server


def test_another_person_cannot_confirm_someone_elses_preview(client, community_manager):
    client.force_login(community_manager)
    token = _upload(client, GOOD).context["token"]

    other = UserFactory()
    other.groups.set(community_manager.groups.all())
    elsewhere = Client()
    elsewhere.force_login(other)
    assert b"no longer waiting" in _confirm(elsewhere, token).content
    assert not Staff.objects.exists()
    assert b"Staff imported" in _confirm(client, token).content  # still the uploader's


def test_an_expired_preview_is_refused_in_words_and_forgotten(client, community_manager):
    client.force_login(community_manager)
    token = _upload(client, GOOD).context["token"]
    PendingImport.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = _confirm(client, token)

    assert b"waited more than 24 hours for its confirmation and has expired" in response.content
    assert not Staff.objects.exists()
    assert not PendingImport.objects.exists()


def test_a_preview_lasts_a_day_and_the_sweep_forgets_only_older_ones(community_manager):
    other = UserFactory()
    pending.pending_import_save(user=community_manager, data=GOOD, mode="update")
    pending.pending_import_save(user=other, data=GOOD, mode="full")
    waiting = PendingImport.objects.get(user=community_manager)
    assert waiting.expires_at - waiting.created_at == timedelta(hours=24)
    PendingImport.objects.filter(user=other).update(expires_at=waiting.created_at)

    assert pending.pending_imports_sweep(now=waiting.created_at + timedelta(seconds=1)) == 1
    assert list(PendingImport.objects.values_list("user", flat=True)) == [community_manager.pk]
    assert pending.pending_imports_sweep(now=waiting.expires_at) == 1


def test_a_newer_upload_replaces_the_older_preview(client, community_manager):
    client.force_login(community_manager)
    first = _upload(client, GOOD).context["token"]
    second = _upload(client, csv_bytes("E9,nine@example.com,Nine,,,,,")).context["token"]

    assert b"no longer waiting" in _confirm(client, first).content
    assert PendingImport.objects.get().token_hash == pending._hash(second)
    assert not Staff.objects.exists()


def test_a_bad_upload_also_withdraws_the_earlier_good_preview(client, community_manager):
    client.force_login(community_manager)
    token = _upload(client, GOOD).context["token"]
    _upload(client, BAD)
    assert b"no longer waiting" in _confirm(client, token).content
    assert not Staff.objects.exists()


def test_upload_needs_the_csrf_token(community_manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(community_manager)
    assert _upload(client, GOOD).status_code == 403
    page = client.get(reverse("portal_staff_import"))
    response = client.post(
        reverse("portal_staff_import"),
        {
            "csrfmiddlewaretoken": page.context["csrf_token"],
            "file": SimpleUploadedFile("staff.csv", GOOD, "text/csv"),
            "mode": "update",
        },
    )
    assert response.status_code == 200 and response.context["token"]


def test_oversize_upload_is_refused_in_words(client, community_manager, monkeypatch):
    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 100)
    client.force_login(community_manager)

    response = _upload(client, GOOD + b"x" * 200)

    assert response.status_code == 200
    assert response.context["result"] is None
    assert b"That file is larger than 100 bytes, the most this screen takes" in response.content
    assert not Staff.objects.exists()


def test_upload_without_a_file_asks_for_one(client, community_manager):
    client.force_login(community_manager)
    response = client.post(reverse("portal_staff_import"), {})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_at_once_apply_the_file_once(community_manager):
    """A double click, or two servers: both read the waiting upload; the lock lets one apply
    it and the other find it gone."""
    token = pending.pending_import_save(user=community_manager, data=GOOD, mode="update")

    def confirm(_):
        try:
            return pending.pending_import_confirm(user=community_manager, token=token)[0].created
        except pending.PendingRefused as refusal:
            return str(refusal)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(map(str, pool.map(confirm, range(2))))

    assert outcomes == ["2", pending.MISSING]
    assert DirectoryImport.objects.count() == 1 and Staff.objects.count() == 2

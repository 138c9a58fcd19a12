"""The staff import screen in the Wagtail admin: who may open it, preview, confirm, refusals."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from portal.factories import UserFactory
from portal.people import views
from portal.people.models import Staff

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


@pytest.fixture(autouse=True)
def pending_dir(tmp_path, monkeypatch):
    monkeypatch.setattr(views, "PENDING_DIR", tmp_path / "pending")
    return tmp_path / "pending"


def _upload(client, data: bytes, name: str = "staff.csv"):
    return client.post(
        reverse("portal_staff_import"), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def _confirm(client, token: str):
    return client.post(reverse("portal_staff_import_confirm"), {"token": token}, follow=True)


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


def test_upload_previews_then_confirm_applies(client, community_manager, pending_dir):
    Staff.objects.create(employee_id="OLD", email="old@example.com", display_name="Old")
    client.force_login(community_manager)

    response = _upload(client, GOOD)

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.created, result.updated, result.unchanged, result.deactivated) == (2, 0, 0, 1)
    assert b"Import these changes" in response.content
    assert Staff.objects.count() == 1  # a preview writes nothing
    token = response.context["token"]
    assert [path.name for path in pending_dir.iterdir()] == [token]

    response = _confirm(client, token)

    assert response.status_code == 200
    assert b"Staff imported: 2 added, 0 updated, 0 unchanged, 1 marked inactive." in (
        response.content
    )
    assert Staff.objects.get(employee_id="E2").manager.employee_id == "E1"
    assert not Staff.objects.get(employee_id="OLD").active
    assert not any(pending_dir.iterdir())  # the upload is gone once applied

    response = _confirm(client, token)  # twice: refused, nothing more happens
    assert b"no longer waiting" in response.content


def test_bad_file_shows_every_bad_row_and_cannot_be_confirmed(client, community_manager):
    client.force_login(community_manager)

    response = _upload(client, BAD)

    html = response.content.decode()
    assert [error.line for error in response.context["result"].errors] == [2, 3, 4]
    assert "3 rows need fixing" in html
    assert "<td>3</td>" in html and "not a valid email" in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert 'name="token"' not in html
    assert views.SESSION_KEY not in client.session

    response = _confirm(client, "made-up-token")
    assert b"no longer waiting" in response.content
    assert not Staff.objects.exists()


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


def test_a_token_works_only_in_the_session_that_uploaded_it(client, community_manager):
    client.force_login(community_manager)
    token = _upload(client, GOOD).context["token"]

    other = UserFactory()
    other.groups.set(community_manager.groups.all())
    client.force_login(other)  # a new session: it never saw this token
    assert b"no longer waiting" in _confirm(client, token).content
    assert not Staff.objects.exists()


def test_a_newer_upload_replaces_the_older_preview(client, community_manager, pending_dir):
    client.force_login(community_manager)
    first = _upload(client, GOOD).context["token"]
    second = _upload(client, csv_bytes("E9,nine@example.com,Nine,,,,,")).context["token"]

    assert b"no longer waiting" in _confirm(client, first).content
    assert [path.name for path in pending_dir.iterdir()] == [second]
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
        },
    )
    assert response.status_code == 200 and response.context["token"]


def test_tampered_pending_file_is_refused(client, community_manager, pending_dir):
    client.force_login(community_manager)
    token = _upload(client, GOOD).context["token"]
    (pending_dir / token).write_bytes(csv_bytes("E9,nine@example.com,Nine,,,,,"))

    assert b"no longer waiting" in _confirm(client, token).content
    assert not Staff.objects.exists()


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


def test_a_pending_directory_others_can_open_is_refused(client, community_manager, pending_dir):
    pending_dir.mkdir(mode=0o777)
    pending_dir.chmod(0o777)
    client.force_login(community_manager)
    with pytest.raises(ImproperlyConfigured, match="only this user can open"):
        _upload(client, GOOD)

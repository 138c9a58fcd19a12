"""The person's Your data page (download, asking for erasure) and the admin's erasure requests
(asking for someone, approving: superusers only)."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from portal.audit.models import AuditEntry
from portal.factories import StaffFactory, UserFactory
from portal.models import EngagementEvent, ErasureRequest

pytestmark = pytest.mark.django_db
LIST = reverse("portal_erasures:index")


@pytest.fixture
def ana(db):
    user = UserFactory(email="ana@example.com")
    staff = StaffFactory(user=user, email=user.email, display_name="Ana Lima")
    EngagementEvent.objects.create(
        staff=staff,
        kind="faq_viewed",
        occurred_at="2026-01-05T10:00Z",
        source="web",
        idempotency_key="ana-1",
    )
    return staff


@pytest.fixture
def bo(db):
    user = UserFactory(email="bo@example.com")
    staff = StaffFactory(user=user, email=user.email, display_name="Bo Berg")
    EngagementEvent.objects.create(
        staff=staff,
        kind="faq_viewed",
        occurred_at="2026-01-06T10:00Z",
        source="web",
        idempotency_key="bo-1",
    )
    return staff


def _files(response) -> dict:
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        return {n: archive.read(n).decode() for n in archive.namelist()}


def test_the_page_lists_what_the_download_holds(client, ana):
    client.force_login(ana.user)
    page = client.get(reverse("my_data")).content.decode()
    assert "events.json" in page and "Download my data" in page
    assert "Ask for my data to be erased" in page
    footer = client.get(reverse("my_path")).content.decode()
    assert f'href="{reverse("my_data")}"' in footer  # from every page's footer


def test_the_download_is_the_signed_in_persons_whatever_is_asked(client, ana, bo):
    client.force_login(ana.user)
    response = client.get(reverse("my_data_download"), {"staff": bo.pk, "user": bo.user.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    files = _files(response)
    text = json.dumps(files)
    assert "Ana Lima" in text and "ana-1" not in text  # keys are not in the download
    assert "Bo Berg" not in text and "bo@example.com" not in text
    assert json.loads(files["directory_entry.json"])[0]["email"] == "ana@example.com"
    entry = AuditEntry.objects.get(action="data.exported")
    assert (entry.actor, entry.target_type, entry.target_id) == (
        ana.user,
        "portal.staff",
        str(ana.pk),
    )


def test_signed_out_nobody_downloads_anything(client, ana):
    response = client.get(reverse("my_data_download"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_asking_for_erasure_needs_the_box_ticked_and_asks_once(client, ana):
    client.force_login(ana.user)
    response = client.post(reverse("my_data_erase"), follow=True)
    assert "Tick the box" in response.content.decode()
    assert not ErasureRequest.objects.exists()
    for _ in range(2):
        response = client.post(reverse("my_data_erase"), {"confirm": "yes"}, follow=True)
    request = ErasureRequest.objects.get()
    assert (request.staff, request.user, request.requested_by) == (ana, ana.user, ana.user)
    assert "An administrator has to approve it first" in response.content.decode()


def test_a_community_manager_asks_from_the_directory_and_a_superuser_decides(
    client, ana, community_manager, superuser, django_capture_on_commit_callbacks
):
    ask = reverse("portal_erasures:ask", args=[ana.pk])
    client.force_login(community_manager)
    assert "Ask for Ana Lima" in client.get(ask).content.decode()
    client.post(ask)
    request = ErasureRequest.objects.get()
    assert request.requested_by == community_manager
    listing = client.get(LIST).content.decode()
    assert "Ana Lima" in listing and "Waiting for a superuser" in listing
    assert reverse("portal_erasures:approve", args=[request.pk]) not in listing

    # A community manager's approval is refused in words, and changes nothing
    response = client.post(reverse("portal_erasures:approve", args=[request.pk]))
    assert response.status_code == 403
    request.refresh_from_db()
    assert request.state == ErasureRequest.State.REQUESTED

    client.force_login(superuser)
    listing = client.get(LIST).content.decode()
    assert reverse("portal_erasures:approve", args=[request.pk]) in listing
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("portal_erasures:approve", args=[request.pk]))
    request.refresh_from_db()
    assert request.state == ErasureRequest.State.DONE
    assert (request.decided_by, request.leftovers) == (superuser, [])
    listing = client.get(LIST).content.decode()
    assert "Erased person" in listing and "Nothing found" in listing
    assert "Ana Lima" not in listing


def test_staff_and_leaders_see_no_erasure_requests(client, staff_user, leader_user, ana):
    ErasureRequest.objects.create(
        staff=ana, user=ana.user, requested_by=ana.user, requested_at="2026-01-01T00:00Z"
    )
    for user in (staff_user, leader_user):
        client.force_login(user)
        assert client.get(LIST).status_code in (302, 403)
        assert client.get(reverse("portal_erasures:ask", args=[ana.pk])).status_code in (302, 403)


def test_the_dashboard_tells_superusers_what_waits(client, ana, superuser, community_manager):
    ErasureRequest.objects.create(
        staff=ana, user=ana.user, requested_by=ana.user, requested_at="2026-01-01T00:00Z"
    )
    client.force_login(superuser)
    assert "1 erasure request waits for a superuser" in client.get("/admin/").content.decode()
    client.force_login(community_manager)
    assert "erasure request" not in client.get("/admin/").content.decode()

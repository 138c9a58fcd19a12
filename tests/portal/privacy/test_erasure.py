"""Erasing a demo person: asked, approved by a superuser, carried out by the task behind
`dispatch`; then no text column of any table holds what identified them, the adoption report
counts exactly as before, and their account is closed for good.

Runs on SQLite and on PostgreSQL (where the check reads `information_schema`, search vectors and
binary columns included: see the test marked `postgres`)."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import QueryDict
from django.utils import timezone
from wagtail.users.models import UserProfile

from champions.models import Champion, CommunityAccount, NominationReason
from faq.models import FAQVote, Question, SearchGap
from officehours.models import Booking, CalendarFeed
from portal.accounts.services import accounts_follow_directory
from portal.audit.models import AuditEntry
from portal.models import EngagementEvent, ErasureRequest, Message, Staff, TierAttainment
from portal.people.models import DirectoryImport, PendingImport
from portal.privacy.erasure import (
    ErasureRefused,
    erasure_approve,
    erasure_carry_out,
    erasure_refuse,
    erasure_request,
    person_identifiers,
)
from portal.privacy.holdings import Person
from portal.privacy.scan import identifiers_find
from portal.reports.scope import report_scope
from portal.reports.selectors import adoption_report
from training.models import Certificate

pytestmark = pytest.mark.django_db
User = get_user_model()
State = ErasureRequest.State


def _erase(demo, capture) -> ErasureRequest:
    """The whole way: the person asks, a superuser approves, the dispatched task runs."""
    request = erasure_request(person=demo.person, requested_by=demo.person.user)
    with capture(execute=True):
        erasure_approve(request_id=request.pk, user=demo.users["admin"])
    request.refresh_from_db()
    return request


def _numbers(user, now):
    """Every number of the report `user` sees for the whole organisation; the named people
    table aside (a community manager sees names there, which erasure changes on purpose)."""
    scope = report_scope(user=user, staff=None, params=QueryDict())
    report = adoption_report(scope=scope, now=now)
    tables = [(t.key, t.rows) for t in report.tables() if t is not report.people]
    return report.headline, tables


def test_after_erasure_no_column_holds_what_identified_them(
    demo, django_capture_on_commit_callbacks
):
    identifiers = person_identifiers(person=demo.person)
    assert identifiers == {
        "email": [demo.person.staff.email],
        "id": [demo.person.staff.employee_id],
        "name": [demo.person.staff.display_name],
        "username": sorted(["manager", "morgan-in-the-forum"]),
    }
    before = {(h.table, h.column) for h in identifiers_find(identifiers=identifiers)}
    # the check finds them where they are (directory, account, events' keys, messages, ...)
    assert {
        ("portal_staff", "display_name"),
        ("auth_user", "email"),
        ("portal_engagementevent", "idempotency_key"),
        ("portal_message", "to"),
        ("champions_champion", "bio"),
        ("champions_nominationreason", "reason"),
        ("training_certificate", "name"),
    } <= before

    request = _erase(demo, django_capture_on_commit_callbacks)

    assert request.state == State.DONE and request.done_at is not None
    assert request.leftovers == []
    assert identifiers_find(identifiers=identifiers) == []


def test_the_adoption_report_counts_the_same_after_erasure(
    demo, django_capture_on_commit_callbacks
):
    now = timezone.now()
    leader, editor = demo.users["leader"], demo.users["editor"]
    before = _numbers(leader, now), _numbers(editor, now)
    events = EngagementEvent.objects.filter(staff=demo.person.staff).count()
    periods = TierAttainment.objects.filter(staff=demo.person.staff).count()

    _erase(demo, django_capture_on_commit_callbacks)

    assert (_numbers(leader, now), _numbers(editor, now)) == before
    staff = Staff.objects.get(pk=demo.person.staff.pk)  # the same row, pseudonymous
    assert staff.events.count() == events
    assert TierAttainment.objects.filter(staff=staff).count() == periods


def test_what_erasure_does_to_each_kind_of_record(demo, django_capture_on_commit_callbacks):
    person = demo.person
    staff = Staff.objects.get(pk=person.staff.pk)
    department, role, manager_line = staff.department_id, staff.role_id, staff.reports.count()

    _erase(demo, django_capture_on_commit_callbacks)

    staff.refresh_from_db()
    assert staff.display_name == "Erased person"
    assert staff.email.endswith("@erased.invalid") and staff.employee_id.startswith("erased-")
    assert (staff.department_id, staff.role_id, staff.active) == (department, role, True)
    assert staff.reports.count() == manager_line  # their people keep their line
    user = User.objects.get(pk=person.user.pk)
    assert user.username.startswith("erased-") and not (user.email or user.first_name)
    assert not user.is_active and not user.has_usable_password() and not user.groups.exists()
    assert staff.user_id == user.pk  # the sign-in numbers still count them
    # deleted
    assert not Message.objects.filter(user=user).exists()
    assert not Message.objects.filter(to__iexact=person.staff.email).exists()
    assert not Certificate.objects.filter(staff=staff).exists()
    assert not CalendarFeed.objects.filter(user=user).exists()
    assert not CommunityAccount.objects.filter(staff=staff).exists()
    # kept, without words by or about them
    assert Booking.objects.filter(user=user).exists()
    assert set(Booking.objects.filter(user=user).values_list("topic", flat=True)) == {""}
    assert set(FAQVote.objects.filter(user=user).values_list("comment", flat=True)) == {""}
    assert set(Question.objects.filter(asker=user).values_list("details", flat=True)) == {""}
    champion = Champion.objects.get(staff=staff)
    assert (champion.bio, champion.reason, champion.public_profile) == ("", "", False)
    assert champion.status == Champion.Status.ACTIVE  # coverage counts them still
    about = NominationReason.objects.filter(nomination__nominee=staff)
    by = NominationReason.objects.filter(nominator=staff)
    assert about.exists() and by.exists()
    assert set(about.values_list("reason", flat=True)) | set(
        by.values_list("reason", flat=True)
    ) == {""}
    metadata = EngagementEvent.objects.filter(staff=staff).values_list("metadata", flat=True)
    assert all(m == {} for m in metadata)
    keys = EngagementEvent.objects.filter(staff=staff).values_list("idempotency_key", flat=True)
    assert all(key.startswith("erased:") for key in keys)


def test_their_sessions_end_and_the_account_stays_closed(
    demo, client, django_capture_on_commit_callbacks
):
    client.force_login(demo.person.user)
    assert client.get("/my-path/").status_code == 200
    other = demo.users["leader"]
    other_client = client.__class__()
    other_client.force_login(other)

    _erase(demo, django_capture_on_commit_callbacks)

    assert client.get("/my-path/").status_code == 302  # to the sign-in page
    sessions = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(demo.person.user.pk) not in sessions
    assert str(other.pk) in sessions  # nobody else is signed out
    # the directory entry stays active (the reports count it): the account must not reopen
    accounts_follow_directory()
    assert not User.objects.get(pk=demo.person.user.pk).is_active


def test_their_avatar_leaves_storage_once_the_erasure_commits(
    demo, django_capture_on_commit_callbacks
):
    profile = UserProfile.get_for_user(demo.person.user)
    profile.avatar.save("avatar.png", ContentFile(b"\x89PNG not really"), save=True)
    name = profile.avatar.name
    assert default_storage.exists(name)

    _erase(demo, django_capture_on_commit_callbacks)

    assert not UserProfile.objects.filter(user=demo.person.user).exists()
    assert not default_storage.exists(name)


def test_copies_of_their_old_fields_in_imports_go_too(demo, django_capture_on_commit_callbacks):
    staff = demo.person.staff
    other = Staff.objects.exclude(pk=staff.pk).first()
    record = DirectoryImport.objects.create(
        mode=DirectoryImport.UPDATE,
        rows=2,
        created=0,
        updated=2,
        deactivated=0,
        revision_after="x",
        before={
            "updated": [
                [staff.pk, staff.email, staff.display_name, None, None, None, None, None, True],
                [other.pk, other.email, other.display_name, None, None, None, None, None, True],
            ],
            "deactivated": [],
            "created": [],
        },
    )
    now = timezone.now()
    csv = f"employee_id,name,email\n{staff.employee_id},{staff.display_name},{staff.email}\n"
    pending = PendingImport.objects.create(
        user=demo.users["editor"],
        token_hash="0" * 64,
        mode=DirectoryImport.UPDATE,
        data=csv.encode(),
        created_at=now,
        expires_at=now,
    )

    request = _erase(demo, django_capture_on_commit_callbacks)

    assert request.leftovers == []
    record.refresh_from_db()
    assert [row[0] for row in record.before["updated"]] == [other.pk]  # undo passes them by
    assert not PendingImport.objects.filter(pk=pending.pk).exists()


def test_the_check_reports_what_erasure_missed_without_repeating_it(
    demo, django_capture_on_commit_callbacks
):
    """A copy of their email where no holding looks (a search someone typed) is found and
    reported by table and column, never by the words."""
    email = demo.person.staff.email
    SearchGap.objects.create(query=f"who is {email}", last_seen=timezone.now())

    request = _erase(demo, django_capture_on_commit_callbacks)

    assert request.leftovers == [{"table": "faq_searchgap", "column": "query", "rows": 1}]
    assert email not in json.dumps(request.leftovers)


@pytest.mark.postgres
def test_on_postgresql_the_check_reads_search_vectors_json_and_files(demo):
    """Columns found through information_schema: a search index's tsvector (matched as words,
    stemmed or not), jsonb and bytea, besides text."""
    name, email = demo.person.staff.display_name, demo.person.staff.email
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE wagtailsearch_indexentry SET body = to_tsvector('english', %s)"
            " WHERE id = (SELECT min(id) FROM wagtailsearch_indexentry)",
            [f"Ask {name} about it"],
        )
    Message.objects.create(
        key="other",
        kind="x",
        to="someone@example.com",
        subject="x",
        body="x",
        headers={"Reply-To": email},
        next_attempt_at=timezone.now(),
    ).attachments.create(filename="a.csv", content_type="text/csv", content=f"{email}\n".encode())

    hits = {
        (h.table, h.column)
        for h in identifiers_find(identifiers=person_identifiers(person=demo.person))
    }

    assert {
        ("wagtailsearch_indexentry", "body"),
        ("portal_message", "headers"),
        ("portal_attachment", "content"),
    } <= hits


def test_only_a_superuser_approves(demo, django_capture_on_commit_callbacks):
    request = erasure_request(person=demo.person, requested_by=demo.users["editor"])
    for user in (demo.users["editor"], demo.users["leader"], demo.users["staff"]):
        with pytest.raises(ErasureRefused, match="Only a superuser"):
            erasure_approve(request_id=request.pk, user=user)
        with pytest.raises(ErasureRefused, match="Only a superuser"):
            erasure_refuse(request_id=request.pk, user=user)
    request.refresh_from_db()
    assert request.state == State.REQUESTED and request.decided_by is None
    assert Staff.objects.get(pk=demo.person.staff.pk).display_name != "Erased person"


def test_a_refusal_erases_nothing_and_is_final(demo):
    request = erasure_request(person=demo.person, requested_by=demo.person.user)
    erasure_refuse(request_id=request.pk, user=demo.users["admin"])
    request.refresh_from_db()
    assert (request.state, request.decided_by) == (State.REFUSED, demo.users["admin"])
    with pytest.raises(ErasureRefused, match="decided already"):
        erasure_approve(request_id=request.pk, user=demo.users["admin"])
    assert erasure_carry_out(request_id=request.pk) is None
    assert Staff.objects.get(pk=demo.person.staff.pk).display_name != "Erased person"


def test_only_the_person_or_a_community_manager_asks(demo):
    with pytest.raises(ErasureRefused, match="Only the person themselves"):
        erasure_request(person=demo.person, requested_by=demo.users["leader"])
    first = erasure_request(person=demo.person, requested_by=demo.person.user)
    again = erasure_request(person=demo.person, requested_by=demo.users["editor"])
    assert again.pk == first.pk  # one open request per person


def test_a_superuser_does_not_approve_their_own_erasure(demo):
    admin = demo.users["admin"]
    request = erasure_request(person=Person.of_user(admin), requested_by=admin)
    with pytest.raises(ErasureRefused, match="Another superuser"):
        erasure_approve(request_id=request.pk, user=admin)


def test_carrying_out_twice_erases_once(demo, django_capture_on_commit_callbacks):
    request = _erase(demo, django_capture_on_commit_callbacks)
    done_at = request.done_at
    assert erasure_carry_out(request_id=request.pk) is None
    request.refresh_from_db()
    assert request.done_at == done_at


def test_each_step_is_in_the_audit_log_by_id_only(demo, django_capture_on_commit_callbacks):
    request = _erase(demo, django_capture_on_commit_callbacks)
    entries = AuditEntry.objects.filter(detail__request=request.pk).order_by("at", "pk")
    assert [(e.action, e.actor_id) for e in entries] == [
        ("erasure.requested", demo.person.user.pk),
        ("erasure.approved", demo.users["admin"].pk),
        ("erasure.done", None),  # the portal itself, in the worker
    ]
    assert {(e.target_type, e.target_id, e.target_label) for e in entries} == {
        ("portal.staff", str(demo.person.staff.pk), "")
    }
    assert entries.last().detail["leftovers"] == 0

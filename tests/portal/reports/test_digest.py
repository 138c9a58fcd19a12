"""The weekly adoption email: who gets it, what it holds, and once per person a week."""

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.factories import DepartmentFactory, StaffFactory, UserFactory
from portal.reports.digest import digest_recipients, digest_send, digest_subscribe, week_of
from portal.reports.models import DigestDelivery
from tests.outbox import delivered
from tests.pdf_text import pdf_text

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 11, 16, 6, 0, tzinfo=UTC)


@pytest.fixture
def digest_run(django_capture_on_commit_callbacks):
    """The weekly task and the per-person tasks it fans out (run as the commit hooks would)."""

    def run(now: datetime) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return digest_send(now=now)

    return run


def _line(manager_name: str, names: list[str]):
    """A manager (with a sign-in) and their reports in a department of their own."""
    user = UserFactory(email=f"{manager_name.split()[0].lower()}@example.com")
    department = DepartmentFactory()
    head = StaffFactory(display_name=manager_name, user=user, department=department)
    for name in names:
        StaffFactory(display_name=name, manager=head, department=department)
    return user, head


def test_week_of_is_the_monday_in_utc():
    assert week_of(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)) == date(2026, 11, 16)
    assert week_of(datetime(2026, 11, 23, 0, 5, tzinfo=UTC)) == date(2026, 11, 23)


def test_leaders_get_it_unless_they_opt_out_and_managers_only_when_they_opt_in(leader_user):
    manager, _ = _line("Morgan Quill", ["Ann One", "Bo Two"])
    other_leader = UserFactory()
    other_leader.groups.set(leader_user.groups.all())
    staff = UserFactory()
    assert set(digest_recipients()) == {leader_user, other_leader}

    digest_subscribe(user=other_leader, weekly=False)
    digest_subscribe(user=manager, weekly=True)
    digest_subscribe(user=staff, weekly=True)  # opted in, but may see no report: checked at send
    assert set(digest_recipients()) == {leader_user, manager, staff}


def test_the_task_run_twice_in_a_week_sends_one_email_each(leader_user, digest_run):
    manager, _ = _line("Morgan Quill", ["Ann One", "Bo Two"])
    digest_subscribe(user=manager, weekly=True)
    assert digest_run(MONDAY) == 2
    assert digest_run(MONDAY + timedelta(hours=3)) == 0  # the beat fired twice
    assert sorted(m.to[0] for m in delivered()) == sorted([leader_user.email, manager.email])
    assert (
        DigestDelivery.objects.filter(week=date(2026, 11, 16), sent_at__isnull=False).count() == 2
    )

    assert digest_run(MONDAY + timedelta(days=7)) == 2  # next week: a new one each
    assert len(delivered()) == 4


def test_a_manager_gets_their_own_line_named_and_nobody_else(leader_user, digest_run):
    manager, _ = _line("Morgan Quill", ["Ann Onezeb", "Bo Twozeb", "Cy Threezeb"])
    _line("Rival Manager", ["Xavier Otherline", "Yolanda Otherline"])
    digest_subscribe(user=manager, weekly=True)
    digest_subscribe(user=leader_user, weekly=False)
    assert digest_run(MONDAY) == 1
    message = delivered()[0]
    assert message.to == [manager.email]
    assert "Morgan Quill's reporting line" in message.subject
    assert "/reports/" in message.body
    filename, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and filename == "adoption-2026-11-16.pdf"
    text = pdf_text(content)
    assert "Ann Onezeb" in text and "Cy Threezeb" in text  # their own line, by name
    assert "Otherline" not in text and "Rival Manager" not in text


def test_a_leaders_digest_names_nobody(leader_user, digest_run):
    _line("Morgan Quill", ["Ann Onezeb", "Bo Twozeb", "Cy Threezeb", "Di Fourzeb", "Ed Fivezeb"])
    assert digest_run(MONDAY) == 1
    text = pdf_text(delivered()[0].attachments[0][1])
    assert "Whole organisation" in text
    assert "zeb" not in text and "Morgan Quill" not in text


def test_someone_who_may_no_longer_see_a_report_gets_nothing(digest_run):
    former = UserFactory()
    digest_subscribe(user=former, weekly=True)  # was a manager; their team moved on
    assert digest_run(MONDAY) == 1  # handed to a worker, which finds no report for them
    assert delivered() == []
    assert DigestDelivery.objects.get(user=former).sent_at is not None  # not retried all week


@pytest.mark.worker
def test_the_weekly_task_in_a_real_worker_sends_one_email_per_person(celery_worker, leader_user):
    """The weekly task fans out a task per person on the real broker; run twice, the person
    still gets one email, delivered by the outbox in the worker."""
    from portal.outbox.models import Message
    from portal.tasks import reports_digest_send

    celery_worker.run(reports_digest_send)
    celery_worker.run(reports_digest_send)  # the beat fired twice
    sent = celery_worker.wait_for(
        lambda: Message.objects.filter(kind="reports.digest", state="sent").count()
    )
    assert sent == 1
    message = Message.objects.get(kind="reports.digest")
    assert message.to == leader_user.email and message.attachments.count() == 1
    assert DigestDelivery.objects.get().sent_at is not None


def test_the_email_text_is_plain_text_with_names_as_written(leader_user, digest_run):
    leader_user.first_name = "Siobhán O'Brien & <co>"
    leader_user.save()
    assert digest_run(MONDAY) == 1
    assert delivered()[0].body.startswith("Hello Siobhán O'Brien & <co>,")

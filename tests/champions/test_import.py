"""`manage.py import_community_activity`: all rows or none, each bad row named by its line."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from champions import importing
from champions.models import CommunityAccount, UnmatchedActivity
from portal.factories import StaffFactory
from portal.tiers.models import EngagementEvent

pytestmark = pytest.mark.django_db

HEADER = "activity_id,action,occurred_at,email,username,url"
GOOD = (
    "A1,post,2025-03-01T14:30:00Z,ann@example.com,,https://forum.example.com/t/a/1/1",
    "A2,Reply,2025-03-02T15:30:00+01:00,,Bob_B,",
    "A3,like,2025-03-03T09:00:00Z,,stranger,",
    "A4,solution,2025-03-04T09:00:00Z,ANN@example.com,,",
)


@pytest.fixture
def people():
    ann = StaffFactory(email="ann@example.com")
    bob = StaffFactory()
    CommunityAccount.objects.create(staff=bob, username="bob_b")
    return ann, bob


def _file(tmp_path, *rows, header=HEADER, prefix=b"", delimiter=","):
    path = tmp_path / "activity.csv"
    text = "\r\n".join([header, *rows]).replace(",", delimiter) + "\r\n"
    path.write_bytes(prefix + text.encode())
    return str(path)


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_community_activity", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_good_file_is_applied(tmp_path, people):
    ann, bob = people

    out, err = _run(_file(tmp_path, *GOOD))

    assert "Imported 4 rows: 3 recorded, 1 waiting for review (matched no one), 0 already in" in out
    assert err == ""
    events = {e.idempotency_key: e for e in EngagementEvent.objects.all()}
    assert set(events) == {"community:csv:A1", "community:csv:A2", "community:csv:A4"}
    first, second, fourth = (events[f"community:csv:A{n}"] for n in (1, 2, 4))
    assert (first.staff, first.kind, first.subject, first.source) == (
        ann,
        "community_contributed",
        "post",
        "import",
    )
    assert first.metadata == {"url": "https://forum.example.com/t/a/1/1"}
    assert (second.staff, second.subject) == (bob, "reply")
    assert second.occurred_at == datetime(2025, 3, 2, 14, 30, tzinfo=UTC)
    assert (fourth.staff, fourth.subject) == (ann, "solution")
    waiting = UnmatchedActivity.objects.get()
    assert (waiting.source_id, waiting.action, waiting.username) == ("csv:A3", "like", "stranger")


def test_importing_the_same_file_again_records_nothing_new(tmp_path, people):
    path = _file(tmp_path, *GOOD)
    _run(path)

    out, _ = _run(path)

    assert "Imported 4 rows: 0 recorded, 0 waiting for review (matched no one), 4 already in" in out
    assert EngagementEvent.objects.count() == 3
    assert UnmatchedActivity.objects.count() == 1


def test_a_spreadsheet_export_with_a_byte_order_mark_and_semicolons_is_read(tmp_path, people):
    path = _file(tmp_path, GOOD[0], prefix=b"\xef\xbb\xbf", delimiter=";")
    out, _ = _run(path)
    assert "Imported 1 rows: 1 recorded" in out


def test_bad_rows_are_listed_by_line_and_nothing_is_recorded(tmp_path, people):
    path = _file(
        tmp_path,
        GOOD[0],  # line 2, fine on its own
        "A5,comment,2025-03-01T10:00:00Z,ann@example.com,,",  # 3
        "A6,post,2025-03-01 10:00,ann@example.com,,",  # 4: no offset
        "A7,post,2025-03-01T10:00:00Z,,,",  # 5: whose?
        "A8,post,2025-03-01T10:00:00Z,ann@example.com,,",  # 6 and 7: the same id
        "A8,like,2025-03-01T11:00:00Z,ann@example.com,,",
        "A9,post,2025-03-01T10:00:00Z,not-an-email,,javascript:alert(1)",  # 8
        ",post,2999-01-01T10:00:00Z,ann@example.com,,",  # 9
        "A10,post",  # 10
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="8 bad row"):
        call_command("import_community_activity", path, stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines] == [f"line {n}" for n in range(3, 11)]
    assert 'action "comment" is not one of post, reply, like, solution' in lines[0]
    assert 'occurred_at "2025-03-01 10:00" is not a date and time with its offset' in lines[1]
    assert "needs an email or a username" in lines[2]
    assert 'activity_id "A8" is also on line 7' in lines[3]
    assert 'activity_id "A8" is also on line 6' in lines[4]
    assert "not a valid email address" in lines[5] and "not a web address" in lines[5]
    assert "activity_id is missing" in lines[6] and "is in the future" in lines[6]
    assert "has 2 values but the header has 6 columns" in lines[7]
    assert not EngagementEvent.objects.exists()
    assert not UnmatchedActivity.objects.exists()


def test_a_header_without_the_columns_is_refused(tmp_path, people):
    path = _file(tmp_path, "A1,post", header="id,what")
    with pytest.raises(CommandError, match="1 bad row"):
        _run(path)
    result = importing.community_activity_import(data=open(path, "rb").read())  # noqa: SIM115
    assert result.errors[0].line == 1
    assert "no column activity_id, action, occurred_at, email, username, url" in (
        result.errors[0].message
    )


def test_an_oversize_file_is_refused_whole(people, monkeypatch):
    monkeypatch.setattr(importing, "MAX_BYTES", 100)
    data = ("\n".join([HEADER, *GOOD])).encode()

    result = importing.community_activity_import(data=data)

    assert [error.line for error in result.errors] == [0]
    assert "at most" in result.errors[0].message
    assert not EngagementEvent.objects.exists()


def test_dry_run_says_what_would_happen_and_writes_nothing(tmp_path, people):
    path = _file(tmp_path, *GOOD)

    out, _ = _run(path, "--dry-run")

    assert "Dry run of 4 rows, nothing written. Would be: 3 recorded, 1 waiting" in out
    assert not EngagementEvent.objects.exists()
    assert not UnmatchedActivity.objects.exists()

    _run(path)
    out, _ = _run(path, "--dry-run")
    assert "Would be: 0 recorded, 0 waiting for review (matched no one), 4 already in" in out


def test_activity_waiting_for_review_is_recorded_once_the_username_is_known(tmp_path, people):
    path = _file(tmp_path, *GOOD)
    _run(path)
    stranger = StaffFactory()
    CommunityAccount.objects.create(staff=stranger, username="stranger")

    out, _ = _run(path)

    assert "1 recorded, 0 waiting for review (matched no one), 3 already in" in out
    assert EngagementEvent.objects.get(idempotency_key="community:csv:A3").staff == stranger
    assert UnmatchedActivity.objects.get().staff == stranger  # taken off the review list
    assert UnmatchedActivity.objects.get().resolved_at is not None


def test_an_unreadable_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _run(str(tmp_path / "missing.csv"))

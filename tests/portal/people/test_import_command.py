"""`manage.py import_staff`: its output, its exit status (CommandError), and --dry-run."""

import io

import pytest
from django.core.management import CommandError, call_command

from portal.people.models import Staff

from . import csv_bytes

pytestmark = pytest.mark.django_db


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_staff", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _file(tmp_path, *rows):
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_bytes(*rows))
    return str(path)


def test_import_reports_what_it_did(tmp_path):
    Staff.objects.create(employee_id="OLD", email="old@example.com", display_name="Old")
    path = _file(
        tmp_path,
        "E1,boss@example.com,Bo Boss,Sales,Director,Leeds,,2019-05-01",
        "E2,ann@example.com,Ann,Sales,Rep,Leeds,boss@example.com,",
    )

    with pytest.raises(CommandError, match="would mark 1 of 1 active people inactive"):
        _run(path, "--full")
    assert Staff.objects.get(employee_id="OLD").active

    out, err = _run(path, "--full", "--confirm-departures", "1")

    assert "Imported 2 rows: 2 created, 0 updated, 0 unchanged, 1 marked inactive" in out
    assert err == ""
    assert Staff.objects.get(employee_id="E2").manager.employee_id == "E1"
    assert not Staff.objects.get(employee_id="OLD").active

    out, _ = _run(path)  # add and update only, by default
    assert "0 created, 0 updated, 2 unchanged, 0 marked inactive" in out


def test_bad_rows_are_listed_and_the_command_fails_having_written_nothing(tmp_path):
    path = _file(
        tmp_path,
        "E1,boss@example.com,Bo Boss,,,,,",
        "E2,not-an-email,Ann,,,,,",
        "E3,c@example.com,,,,,,",
    )
    err = io.StringIO()

    with pytest.raises(CommandError, match="2 bad row"):
        call_command("import_staff", path, stdout=io.StringIO(), stderr=err)

    lines = err.getvalue().splitlines()
    assert lines[0].startswith("line 3: email ") and "not a valid email" in lines[0]
    assert lines[1] == "line 4: name is missing."
    assert not Staff.objects.exists()


def test_dry_run_says_what_would_change_and_writes_nothing(tmp_path):
    Staff.objects.create(employee_id="OLD", email="old@example.com", display_name="Old")
    path = _file(tmp_path, "E1,boss@example.com,Bo Boss,Sales,,,,")

    out, _ = _run(path, "--dry-run", "--full")

    assert "Dry run of 1 rows, nothing written" in out
    assert "1 created, 0 updated, 0 unchanged, 1 marked inactive; new departments 1" in out
    assert list(Staff.objects.values_list("employee_id", "active")) == [("OLD", True)]


def test_dry_run_of_a_bad_file_fails_too(tmp_path):
    path = _file(tmp_path, "E1,boss@example.com,Bo Boss,,,,,31/12/2020")
    with pytest.raises(CommandError, match="1 bad row"):
        _run(path, "--dry-run")


def test_missing_file_is_a_sentence_not_a_traceback(tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*nope.csv: No such file"):
        _run(str(tmp_path / "nope.csv"))

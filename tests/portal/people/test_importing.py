"""The HR staff import service: what it writes, what it refuses, and that it refuses all at once."""

import codecs
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal.factories import UserFactory
from portal.people.importing import staff_import, staff_import_undo
from portal.people.models import Department, Location, Role, Staff

from . import HEADER, csv_bytes

pytestmark = pytest.mark.django_db

CLEAN = [
    # A report comes before their manager: order in the file must not matter.
    "E2,ann@example.com,Ann Report,sales ,Account manager,Leeds,BOSS@example.com,2021-02-01",
    "E1,boss@example.com,Bo Boss,Sales,Director,leeds,,2019-05-01",
    "E3,cy@example.com,Cy Grand,Support,Agent,,ann@example.com,",
]


def _snapshot():
    return list(
        Staff.objects.order_by("employee_id").values_list(
            "employee_id",
            "email",
            "display_name",
            "department__name",
            "role__name",
            "location__name",
            "manager__employee_id",
            "start_date",
            "active",
        )
    )


def test_clean_import_creates_staff_groups_and_managers():
    Department.objects.create(name="Sales")  # matched by name, ignoring case and spaces

    result = staff_import(data=csv_bytes(*CLEAN))

    assert result.ok and result.applied
    assert (result.created, result.updated, result.unchanged, result.deactivated) == (3, 0, 0, 0)
    e1, e2 = date(2019, 5, 1), date(2021, 2, 1)
    assert _snapshot() == [
        ("E1", "boss@example.com", "Bo Boss", "Sales", "Director", "Leeds", None, e1, True),
        ("E2", "ann@example.com", "Ann Report", "Sales", "Account manager", "Leeds", "E1", e2, 1),
        ("E3", "cy@example.com", "Cy Grand", "Support", "Agent", None, "E2", None, True),
    ]  # fmt: skip
    assert list(Department.objects.values_list("name", flat=True)) == ["Sales", "Support"]
    assert list(Location.objects.values_list("name", flat=True)) == ["Leeds"]  # first spelling
    assert sorted(Role.objects.values_list("name", flat=True)) == [
        "Account manager",
        "Agent",
        "Director",
    ]
    assert (result.departments_created, result.roles_created, result.locations_created) == (1, 3, 1)


def test_second_run_of_the_same_file_changes_nothing():
    staff_import(data=csv_bytes(*CLEAN))
    before = _snapshot()

    result = staff_import(data=csv_bytes(*CLEAN))

    assert (result.created, result.updated, result.unchanged, result.deactivated) == (0, 0, 3, 0)
    assert _snapshot() == before
    assert Department.objects.count() == 2


def test_changes_are_updates_and_missing_staff_become_inactive_not_deleted():
    staff_import(data=csv_bytes(*CLEAN))

    result = staff_import(
        data=csv_bytes(
            "E1,boss@example.com,Bo Boss,Sales,Director,Leeds,,2019-05-01",
            "E2,Ann.New@example.com,Ann Renamed,Marketing,Account manager,Leeds,,2021-02-01",
        ),
        deactivate_missing=True,
        departures_confirmed=1,  # 1 of 3 is more than 5 %
    )

    assert (result.created, result.updated, result.unchanged, result.deactivated) == (0, 1, 1, 1)
    e2 = Staff.objects.get(employee_id="E2")
    assert (e2.email, e2.display_name, e2.department.name, e2.manager) == (
        "Ann.New@example.com",
        "Ann Renamed",
        "Marketing",
        None,
    )
    e3 = Staff.objects.get(employee_id="E3")
    assert not e3.active
    assert e3.manager == e2  # kept as it was: only missing, not changed

    result = staff_import(data=csv_bytes(*CLEAN))  # back in the file: active again
    assert (result.created, result.updated, result.deactivated) == (0, 2, 0)
    assert Staff.objects.filter(active=True).count() == 3


def test_partial_import_leaves_missing_staff_active():
    staff_import(data=csv_bytes(*CLEAN))
    result = staff_import(data=csv_bytes(CLEAN[1]), deactivate_missing=False)
    assert result.deactivated == 0
    assert Staff.objects.filter(active=True).count() == 3


# A hostile file: three encodings of the same content, a third of its rows bad in every way
# the rules name, plus columns that try to grant privileges.
HOSTILE_HEADER = (
    " Employee_ID , EMAIL,Name,Department,ROLE,Location,Manager_Email , Start_Date,"
    "is_superuser,password"
)
GOOD_FILLER = [
    f"G{n:02d},good{n}@x.com,Good Person {n},Sales,Rep,Zürich,boss@x.com,,," for n in range(28)
]
HOSTILE = [
    "E01,boss@x.com,José Müller,Sales,Director,Zürich,,2019-05-01,true,hunter2",  # 2
    "E02,anna@x.com,Anna Ångström,Sales,Rep,Zürich,boss@x.com,2020-01-15,,",  # 3
    "E03,ANNA@x.com,Anna Twin,Sales,Rep,Zürich,boss@x.com,,,",  # 4: 3 by case
    "E04,carl@acme.com,Carl Berg,Support,Agent,Oslo,boss@x.com,,,",  # 5
    "E05,carl@ªcme.com,Carla Berg,Support,Agent,Oslo,boss@x.com,,,",  # 6: 5 by Unicode form
    "E06,dan@x.com,Dan Loop,Support,Agent,Oslo,eve@x.com,,,",  # 7: loop with 8
    "E07,eve@x.com,Eve Loop,Support,Agent,Oslo,dan@x.com,,,",  # 8
    'E08,fay@x.com,"=HYPERLINK(""http://x"")",Sales,Rep,Zürich,boss@x.com,,,',  # 9: fine
    "E09,gus@x.com,Gus Date,Sales,Rep,Zürich,boss@x.com,31/01/2020,,",  # 10: not ISO
    "E10,hal@x.com,Hal Good,Marketing,Writer,Zürich,boss@x.com,2021-03-01,true,x",  # 11: fine
    "E11,ivy@x.com,,Marketing,Writer,Zürich,boss@x.com,,,",  # 12: no name
    "E12,not-an-email,Jon Bad,Marketing,Writer,Zürich,boss@x.com,,,",  # 13
    "E13,kim@x.com,Kim Lost,Marketing,Writer,Zürich,ghost@x.com,,,",  # 14: unknown manager
    "E14,lee@x.com,Lee One,Sales,Rep,Zürich,boss@x.com,,,",  # 15
    "E14,lea@x.com,Lea Two,Sales,Rep,Zürich,boss@x.com,,,",  # 16: same id as 15
    "E15,mo@x.com,Mo Self,Sales,Rep,Zürich,mo@x.com,,,",  # 17: manages themselves
    f"E16,ned@x.com,{'N' * 201},Sales,Rep,Zürich,boss@x.com,,,",  # 18: name too long
    *GOOD_FILLER,
]
HOSTILE_BAD_LINES = {3, 4, 5, 6, 7, 8, 10, 12, 13, 14, 15, 16, 17, 18}
FIXES = {
    4: "E03,anna.twin@x.com,Anna Twin,Sales,Rep,Zürich,boss@x.com,,,",
    6: "E05,carla@acme.com,Carla Berg,Support,Agent,Oslo,boss@x.com,,,",
    8: "E07,eve@x.com,Eve Loop,Support,Agent,Oslo,boss@x.com,,,",
    10: "E09,gus@x.com,Gus Date,Sales,Rep,Zürich,boss@x.com,2020-01-31,,",
    12: "E11,ivy@x.com,Ivy Named,Marketing,Writer,Zürich,boss@x.com,,,",
    13: "E12,jon@x.com,Jon Bad,Marketing,Writer,Zürich,boss@x.com,,,",
    14: "E13,kim@x.com,Kim Lost,Marketing,Writer,Zürich,hal@x.com,,,",
    16: "E17,lea@x.com,Lea Two,Sales,Rep,Zürich,boss@x.com,,,",
    17: "E15,mo@x.com,Mo Self,Sales,Rep,Zürich,boss@x.com,,,",
    18: f"E16,ned@x.com,{'N' * 200},Sales,Rep,Zürich,boss@x.com,,,",
}


def _encode(text: str, variant: str) -> bytes:
    if variant == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(variant)  # "utf-16" writes a byte-order mark; "utf-8-sig" too


ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-be-bom"]


@pytest.mark.parametrize("variant", ENCODINGS)
def test_hostile_file_applies_nothing_and_names_every_bad_row(variant):
    Staff.objects.create(employee_id="OLD", email="old@x.com", display_name="Old Timer")
    text = "\r\n".join([HOSTILE_HEADER, *HOSTILE, ""])
    assert len(HOSTILE_BAD_LINES) / len(HOSTILE) > 0.3

    result = staff_import(data=_encode(text, variant))

    assert not result.applied
    assert {error.line for error in result.errors} == HOSTILE_BAD_LINES
    messages = dict(result.errors)
    assert "same as on line 4" in messages[3] and "same as on line 3" in messages[4]
    assert "same as on line 6" in messages[5] and "same as on line 5" in messages[6]
    assert "loop" in messages[7] and "loop" in messages[8]
    assert "YYYY-MM-DD" in messages[10]
    assert "name is missing" in messages[12]
    assert "not a valid email" in messages[13]
    assert "matches no one" in messages[14]
    assert "also on line 16" in messages[15] and "also on line 15" in messages[16]
    assert "manages themselves" in messages[17]
    assert "longer than 200" in messages[18]
    # Nothing written, nobody deactivated, nobody given anything.
    assert list(Staff.objects.values_list("employee_id", "active")) == [("OLD", True)]
    assert not Department.objects.exists()
    assert not Role.objects.exists()
    assert not Location.objects.exists()
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize("variant", ENCODINGS)
def test_fixed_hostile_file_imports_with_text_intact(variant):
    rows = [FIXES.get(line, row) for line, row in enumerate(HOSTILE, start=2)]
    text = "\r\n".join([HOSTILE_HEADER, *rows, ""])

    result = staff_import(data=_encode(text, variant))

    assert result.errors == []
    assert result.created == len(HOSTILE)
    assert Staff.objects.get(employee_id="E01").display_name == "José Müller"
    assert Staff.objects.get(employee_id="E02").display_name == "Anna Ångström"
    assert Staff.objects.get(employee_id="E08").display_name == '=HYPERLINK("http://x")'
    assert Staff.objects.get(employee_id="E13").manager.employee_id == "E10"
    assert set(Location.objects.values_list("name", flat=True)) == {"Zürich", "Oslo"}
    assert not get_user_model().objects.exists()


def test_fullwidth_forms_are_the_same_email_and_employee_id():
    for encoding in ("utf-8", "utf-16"):
        result = staff_import(
            data=csv_bytes(
                "E1,bob@x.com,Bob,,,,,",
                "E2,bob@ｘ.com,Bob Wide,,,,,",  # fullwidth x
                "Ｅ３,cat@x.com,Cat,,,,,",  # fullwidth E3
                "E3,dog@x.com,Dog,,,,,",
                encoding=encoding,
            )
        )
        assert [error.line for error in result.errors] == [2, 3, 4, 5]
        assert not Staff.objects.exists()


def test_privilege_columns_are_ignored_like_any_other_extra_column():
    person = UserFactory(email="pat@example.com")
    header = HEADER + ",is_superuser,is_staff,groups,permissions,password,user,active"
    row = "P1,pat@example.com,Pat,,,,,,true,true,Community managers,portal.run_programme,x,1,0"

    result = staff_import(data=csv_bytes(row, header=header))

    assert result.ok and result.created == 1
    person.refresh_from_db()
    assert not (person.is_superuser or person.is_staff)
    assert not person.groups.exists() and not person.user_permissions.exists()
    assert person.check_password("correct-horse-battery-staple")
    staff = Staff.objects.get()
    assert staff.active and staff.user is None


def test_semicolon_delimiter_and_quoted_values():
    header = HEADER.replace(",", ";")
    result = staff_import(
        data=csv_bytes(
            'E1;boss@example.com;"Boss; The";Sales;Director;Leeds;;2019-05-01',
            "E2;ann@example.com;Ann, Report;Sales;Rep;Leeds;boss@example.com;",
            header=header,
            encoding="cp1252",
        )
    )
    assert result.ok
    assert Staff.objects.get(employee_id="E1").display_name == "Boss; The"
    assert Staff.objects.get(employee_id="E2").display_name == "Ann, Report"


def test_text_is_normalised_to_nfc_and_trimmed():
    staff_import(data=csv_bytes("  E1 ,\u00a0jo@example.com ,  Jose\u0301  ,,,,,"))
    staff = Staff.objects.get()
    assert (staff.employee_id, staff.email, staff.display_name) == ("E1", "jo@example.com", "José")


def test_many_rows_with_one_address_get_short_messages():
    rows = [f"E{n},same@example.com,P {n},,,,," for n in range(20)]
    result = staff_import(data=csv_bytes(*rows))
    assert len(result.errors) == 20
    assert result.errors[0].message == (
        "email is the same as on lines 3, 4, 5, 6, 7 and 14 more (compared ignoring case and "
        "character width)."
    )
    assert "lines 2, 3, 4, 6, 7 and 14 more" in result.errors[3].message


def test_line_numbers_are_physical_lines_in_the_file():
    data = csv_bytes(
        "",  # line 2: blank, skipped
        'E1,a@example.com,"Two\nLines",,,,,',  # lines 3-4
        ",,,,,,,",  # line 5: empty cells only, skipped
        "E2,b@example.com,,,,,,",  # line 6: no name
        "E3,c@example.com,Too,Many,Cells,,,,,x",  # line 7
        "E4,d@example.com,Short",  # line 8
    )
    result = staff_import(data=data)
    assert [error.line for error in result.errors] == [6, 7, 8]
    assert "header has 8 columns" in result.errors[1].message


def test_empty_trailing_cells_from_spreadsheets_are_fine():
    result = staff_import(
        data=csv_bytes("E1,a@example.com,A,,,,,,,", "E2,b@example.com,B,,,,,", header=HEADER + ",,")
    )
    assert result.ok and result.created == 2


def test_start_date_must_be_iso():
    rows = [
        f"E{n},p{n}@example.com,P {n},,,,,{value}"
        for n, value in enumerate(
            ["31/01/2020", "2020-1-5", "20200105", "2020-02-30", "٢٠٢٠-٠١-٠١"]
        )
    ]
    result = staff_import(data=csv_bytes(*rows, "E9,ok@example.com,Ok,,,,,2020-02-29"))
    assert [error.line for error in result.errors] == [2, 3, 4, 5, 6]
    assert not Staff.objects.exists()


def test_oversize_fields_and_nul_characters_are_bad_rows():
    result = staff_import(
        data=csv_bytes(
            f"{'E' * 65},a@example.com,A,,,,,",
            f"E2,b@example.com,B,{'D' * 121},,,,",
            f"E3,{'c' * 250}@example.com,C,,,,,",
            "E4,d@example.com,D\x00D,,,,,",
            f"E5,e@example.com,E,,,{'L' * 120},,",  # exactly the limit: fine
        )
    )
    assert [error.line for error in result.errors] == [2, 3, 4, 5]
    assert "employee_id is longer than 64" in result.errors[0].message
    assert "department is longer than 120" in result.errors[1].message
    assert "NUL" in result.errors[3].message


def test_email_of_someone_not_in_the_file_is_taken_but_a_swap_is_fine():
    staff_import(data=csv_bytes("E1,one@example.com,One,,,,,", "E2,two@example.com,Two,,,,,"))

    result = staff_import(data=csv_bytes("E3,ONE@example.com,Three,,,,,"), dry_run=True)
    assert "already belongs to employee" in result.errors[0].message

    result = staff_import(
        data=csv_bytes("E1,Two@example.com,One,,,,,", "E2,one@example.com,Two,,,,,")
    )
    assert result.ok and result.updated == 2
    assert dict(Staff.objects.values_list("employee_id", "email")) == {
        "E1": "Two@example.com",
        "E2": "one@example.com",
    }


def test_manager_may_be_active_staff_outside_the_file_but_not_inactive_staff():
    Staff.objects.create(employee_id="M1", email="m1@example.com", display_name="M1")
    Staff.objects.create(employee_id="M2", email="m2@example.com", display_name="M2", active=False)

    result = staff_import(
        data=csv_bytes("E1,e1@example.com,E1,,,,M1@example.com,"), deactivate_missing=False
    )
    assert result.ok
    assert Staff.objects.get(employee_id="E1").manager.employee_id == "M1"

    result = staff_import(data=csv_bytes("E1,e1@example.com,E1,,,,m2@example.com,"))
    assert "matches no one" in result.errors[0].message


def test_loop_through_staff_outside_the_file_is_found():
    boss = Staff.objects.create(employee_id="B", email="b@example.com", display_name="B")
    Staff.objects.create(employee_id="X", email="x@example.com", display_name="X", manager=boss)

    result = staff_import(
        data=csv_bytes("B,b@example.com,B,,,,x@example.com,"), deactivate_missing=False
    )

    assert [error.line for error in result.errors] == [2]
    assert "not in this file" in result.errors[0].message
    assert Staff.objects.get(employee_id="B").manager is None


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"", 1, "empty"),
        (HEADER.encode(), 1, "no rows"),
        (b"id,mail,name\nE1,a@example.com,A\n", 1, "no column employee_id, email"),
        (b"employee_id,email,email,name\n", 1, "twice"),
        (codecs.BOM_UTF16_LE + b"e\x00m\x00\x00", 1, "not valid UTF-16"),
        (
            csv_bytes("E1,a@example.com,José,,,,,")
            + "E2,b@example.com,Zoë,,,,,\r\n".encode("cp1252"),
            3,
            "mixes two encodings: UTF-8 on line 2, something else on line 3",
        ),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)), 1, "spreadsheet workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), 1, "spreadsheet workbook"),
        (bytes((n * 131 + 7) % 256 for n in range(4000)), 1, "This file is not text"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, 1, "This file is not text"),
    ],
)
def test_unusable_files_say_why_and_deactivate_nobody(data, line, words):
    Staff.objects.create(employee_id="OLD", email="old@example.com", display_name="Old")
    result = staff_import(data=data)
    assert len(result.errors) == 1
    assert result.errors[0].line == line
    assert words in result.errors[0].message
    assert Staff.objects.get().active


def test_a_stray_control_character_is_named_on_its_line_not_called_binary():
    result = staff_import(
        data=csv_bytes("E1,a@example.com,Ann\x07,,,,,", "E2,b@example.com,B\x00,,,,,"),
        dry_run=True,
    )
    assert [error.line for error in result.errors] == [3]
    assert "NUL" in result.errors[0].message


def test_queries_do_not_grow_with_rows():
    def import_counting(size: int, prefix: str) -> int:
        rows = [
            f"{prefix}{n},{prefix}{n}@example.com,P {n},"
            f"{prefix}D{n % 3},{prefix}R{n % 2},{prefix}L,"
            + (f"{prefix}{n - 1}@example.com," if n else ",")
            for n in range(size)
        ]
        with CaptureQueriesContext(connection) as queries:
            assert staff_import(data=csv_bytes(*rows), deactivate_missing=False).ok
        return len(queries)

    assert import_counting(3, "a") == import_counting(50, "b")
    assert Staff.objects.count() == 53
    assert Staff.objects.get(employee_id="b49").manager.employee_id == "b48"


def test_an_update_only_import_keeps_everyone_missing_from_the_file():
    staff_import(data=csv_bytes(*CLEAN))
    result = staff_import(data=csv_bytes(CLEAN[0]))
    assert result.deactivated == 0 and not result.leavers
    assert Staff.objects.filter(active=True).count() == 3


def test_a_large_departure_is_refused_unless_its_count_is_confirmed():
    staff_import(data=csv_bytes(*CLEAN))
    for confirmed in (None, 1, 3):
        result = staff_import(
            data=csv_bytes(CLEAN[0]), deactivate_missing=True, departures_confirmed=confirmed
        )
        assert not result.ok and not result.applied
        assert result.refused.startswith("This import would mark 2 of 3 active people inactive")
        assert Staff.objects.filter(active=True).count() == 3
    result = staff_import(data=csv_bytes(CLEAN[0]), deactivate_missing=True, departures_confirmed=2)
    assert result.applied and Staff.objects.filter(active=True).count() == 1


def test_undo_puts_back_fields_addresses_and_who_was_active():
    staff_import(data=csv_bytes(*CLEAN))
    before = _snapshot()
    swapped = [  # Ann and Cy swap addresses; Cy moves department, manager and name
        "E2,cy@example.com,Ann Report,sales ,Account manager,Leeds,BOSS@example.com,2021-02-01",
        CLEAN[1],
        "E3,ann@example.com,Cy Renamed,Legal,Agent,,boss@example.com,2020-01-01",
    ]
    result = staff_import(data=csv_bytes(*swapped, "E9,new@example.com,New,Legal,,,,"))
    assert result.applied and result.updated == 2
    staff_import_undo(import_id=result.import_id)
    after = _snapshot()
    assert after[:3] == before
    assert after[3][0] == "E9" and after[3][-1] is False  # created, now inactive, not deleted


def test_dry_run_writes_nothing_but_counts():
    staff_import(data=csv_bytes(*CLEAN))
    before = _snapshot()
    result = staff_import(
        data=csv_bytes(CLEAN[1], "E9,new@example.com,New,Legal,,,,"),
        dry_run=True,
        deactivate_missing=True,
    )
    assert (result.created, result.unchanged, result.deactivated) == (1, 1, 2)
    assert result.departments_created == 1 and not result.applied
    assert _snapshot() == before
    assert not Department.objects.filter(name="Legal").exists()

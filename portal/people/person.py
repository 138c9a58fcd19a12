"""Writing one person at a time (SCIM provisioning), checked as the HR import checks a row.

The HR import checks a whole file against the whole directory; an identity provider sends one
person per request, 100,000 of them for a first sync, so these checks ask the database about
this person only, in a fixed number of queries whatever the directory's size. The rules and
their words are the import's: required fields and their lengths (`reading.MAX_LENGTHS`), a valid
address, an address or employee id that belongs to someone else (addresses compared ignoring
case and Unicode width, `checking.email_key`), nobody managing themselves directly or round a
loop. Departments, roles and locations are matched by name as the import matches them and made
when new. Nobody is deleted: someone who leaves becomes inactive, keeps their history, and loses
their account's access and sessions (`accounts_follow_directory`). Every change renews the
directory's revision, so reports and attainments see it.
"""

import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower

from ..accounts.services import accounts_follow_directory
from .importing.checking import email_key
from .importing.reading import MAX_LENGTHS, show
from .importing.writing import _name_key
from .models import Department, Location, Role, Staff
from .services import directory_revise

KEEP = object()  # "leave the manager as it is"
MAX_CHAIN = 1000  # no management line is longer; a longer walk can only be a loop


class PersonRefused(Exception):
    """Why a person cannot be written, in words. `conflict`: someone else holds a value that
    must be unique (an address, an employee id), rather than a value that is wrong."""

    def __init__(self, message: str, *, conflict: bool = False):
        super().__init__(message)
        self.message = message
        self.conflict = conflict


@dataclass
class PersonFields:
    employee_id: str
    email: str
    name: str
    department: str = ""
    role: str = ""
    location: str = ""
    active: bool = True
    # What the caller calls each field in its messages (SCIM: employeeNumber, displayName...).
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, column: str) -> str:
        return self.labels.get(column, column)


def person_check(fields: PersonFields) -> None:
    """The checks that need nothing but the person: cleaned in place, or `PersonRefused`."""
    for name in ("employee_id", "email", "name", "department", "role", "location"):
        setattr(fields, name, unicodedata.normalize("NFC", getattr(fields, name) or "").strip())
    fields.employee_id = unicodedata.normalize("NFKC", fields.employee_id)
    fields.name = " ".join(fields.name.split())
    reasons = [
        f"{fields.label(column)} is missing"
        for column in ("employee_id", "email", "name")
        if not getattr(fields, column)
    ]
    for column, limit in MAX_LENGTHS.items():
        value = getattr(fields, column, "")
        if len(value) > limit:
            reasons.append(f"{fields.label(column)} is longer than {limit} characters")
    if fields.email and len(fields.email) <= MAX_LENGTHS["email"]:
        try:
            validate_email(fields.email)
        except ValidationError:
            reasons.append(
                f"{fields.label('email')} {show(fields.email)} is not a valid email address"
            )
    if reasons:
        raise PersonRefused(_sentence(reasons))


def _sentence(reasons: list[str]) -> str:
    return "; ".join(reasons) + "."


def person_save(*, staff: Staff | None, fields: PersonFields, manager=KEEP) -> Staff:
    """Create (`staff` None) or update one person; `manager` a `Staff`, None, or `KEEP`.

    Call inside a transaction. Raises `PersonRefused` with the import's words."""
    person_check(fields)
    _taken_check(staff, fields)
    if manager is not KEEP and manager is not None:
        manager_loop_check(staff, manager)
    values = {
        "employee_id": fields.employee_id,
        "email": fields.email,
        "display_name": fields.name,
        "department": _group(Department, fields.department),
        "role": _group(Role, fields.role),
        "location": _group(Location, fields.location),
        "active": fields.active,
    }
    if manager is not KEEP:
        values["manager"] = manager
    was_active = staff.active if staff is not None else None
    try:
        with transaction.atomic():
            if staff is None:
                staff = Staff.objects.create(**values)
            else:
                for name, value in values.items():
                    setattr(staff, name, value)
                staff.save()
    except IntegrityError:  # someone took the address or id between the check and the write
        raise PersonRefused(
            "Another change to the directory took this email or employee id at the same "
            "moment; nothing was saved. Send it again.",
            conflict=True,
        ) from None
    if was_active is not None and was_active != staff.active:
        accounts_follow_directory(staff_ids=[staff.pk])
    # The directory's revision was renewed by the save itself (`Staff`'s post_save receiver,
    # `portal/apps.py`): renewing it here again would cost a query per person for nothing.
    return staff


def person_deactivate(*, staff: Staff) -> None:
    """They left: inactive from now, history kept, account closed and its sessions ended."""
    if Staff.objects.filter(pk=staff.pk, active=True).update(active=False):
        staff.active = False
        accounts_follow_directory(staff_ids=[staff.pk])
        directory_revise()


def _taken_check(staff: Staff | None, fields: PersonFields) -> None:
    """The address and the employee id may not belong to anyone else, in one query. Address
    candidates are found by the lower-cased forms (the unique index's), then compared as the
    import compares."""
    key = email_key(fields.email)
    others = Staff.objects.exclude(pk=staff.pk) if staff is not None else Staff.objects.all()
    candidates = (
        others.annotate(email_lower=Lower("email"))
        .filter(Q(email_lower__in={fields.email.lower(), key}) | Q(employee_id=fields.employee_id))
        .values_list("employee_id", "email")
    )
    reasons, id_taken = [], False
    for owner, email in candidates:
        if email_key(email) == key and not reasons:
            reasons.append(
                f"{fields.label('email')} {show(fields.email)} already belongs to employee "
                f"{show(owner)}"
            )
        id_taken = id_taken or owner == fields.employee_id
    if id_taken:
        reasons.append(
            f"{fields.label('employee_id')} {show(fields.employee_id)} already belongs to "
            "someone else"
        )
    if reasons:
        raise PersonRefused(_sentence(reasons), conflict=True)


def manager_loop_check(staff: Staff | None, manager: Staff) -> None:
    """`manager` may manage `staff` unless it is them, or they are above `manager` already."""
    if staff is None:
        return  # someone new manages nobody yet
    if manager.pk == staff.pk:
        raise PersonRefused("The manager is this person themselves: nobody manages themselves.")
    if staff.pk in managers_above(manager.pk):
        raise PersonRefused(
            "This manager makes a loop of managers: they are already managed, directly or "
            "through others, by this person."
        )


def managers_above(pk: int) -> list[int]:
    """Who manages person `pk`, then who manages them, and so on up: one recursive query."""
    table = connection.ops.quote_name(Staff._meta.db_table)
    # Only the quoted table name is formatted in; values are parameters.
    sql = (
        f"WITH RECURSIVE chain(id, depth) AS ("  # noqa: S608
        f" SELECT manager_id, 1 FROM {table} WHERE id = %s"
        f" UNION ALL SELECT s.manager_id, chain.depth + 1 FROM {table} s"
        f" JOIN chain ON s.id = chain.id WHERE chain.depth < %s"
        f") SELECT id FROM chain WHERE id IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, MAX_CHAIN])
        return [row[0] for row in cursor.fetchall()]


def _group(model, name: str):
    """The department, role or location called `name` (as the import matches names), made if
    new; None for no name."""
    if not name:
        return None
    key = _name_key(name)
    for candidate in model.objects.filter(name__iexact=" ".join(name.split())):
        if _name_key(candidate.name) == key:
            return candidate
    try:
        with transaction.atomic():
            return model.objects.create(name=name)
    except IntegrityError:  # made by a concurrent request a moment ago
        return model.objects.get(name=name)


def people_department_set(*, staff_ids: list[int], department: Department | None) -> int:
    """Move these people into `department` (None: out of any), in one query; how many moved."""
    moved = (
        Staff.objects.filter(pk__in=staff_ids)
        .exclude(department=department)
        .update(department=department)
        if department is not None
        else Staff.objects.filter(pk__in=staff_ids, department__isnull=False).update(
            department=None
        )
    )
    if moved:
        directory_revise()
    return moved


def department_for(name: str) -> Department:
    """The department called `name` (as the import matches names), made if new."""
    return _group(Department, name)


def department_rename(*, department: Department, name: str) -> None:
    """A department's new name; `PersonRefused` if another department already has it."""
    name = " ".join(unicodedata.normalize("NFC", name).split())
    if len(name) > MAX_LENGTHS["department"]:
        raise PersonRefused(f"department is longer than {MAX_LENGTHS['department']} characters.")
    clash = Department.objects.filter(name__iexact=name).exclude(pk=department.pk).first()
    if clash is not None and _name_key(clash.name) == _name_key(name):
        raise PersonRefused(f"A department is already called {show(clash.name)}.", conflict=True)
    if department.name != name:
        Department.objects.filter(pk=department.pk).update(name=name)
        department.name = name
        directory_revise()

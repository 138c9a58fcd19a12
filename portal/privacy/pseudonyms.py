"""What erasure leaves in place of a person: a directory entry and an account that identify
nobody, still linked to what the person did, so every number the reports count stays the same.

The pseudonym is a random token, never derived from the person (a hash of an email can be
matched back by anyone who has the email). The entry keeps its department, role, location,
manager line, start date and active flag (the adoption report counts people by those); the
account keeps its last sign-in (the report counts sign-ins) and loses everything else.
"""

import secrets

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from ..people.models import DirectoryImport, PendingImport
from ..people.services import directory_revise
from .holdings import Person

NAME = "Erased person"
DOMAIN = "erased.invalid"  # RFC 2606: never a real address, never delivered


def token() -> str:
    return secrets.token_hex(8)


def staff_pseudonymise(rows: QuerySet, person: Person) -> int:
    """The directory entry: name, email and employee id replaced by a pseudonym."""
    changed = 0
    for staff in rows:
        mark = token()
        staff.display_name = NAME
        staff.email = f"erased-{mark}@{DOMAIN}"
        staff.employee_id = f"erased-{mark}"
        staff.save(update_fields=["display_name", "email", "employee_id"])
        changed += 1
    if changed:
        directory_revise()  # the reports' copy of the directory is stale
    return changed


def user_pseudonymise(rows: QuerySet, person: Person) -> int:
    """The account: a pseudonymous username, no name or email, no roles, no password, closed.
    `last_login` stays (the report's sign-in numbers count it); the sessions end (`erasure`)."""
    changed = 0
    for user in rows:
        user.username = f"erased-{token()}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = user.is_staff = user.is_superuser = False
        user.set_unusable_password()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()
        changed += 1
    return changed


def events_pseudonymise(rows: QuerySet, person: Person) -> int:
    """Events stay (under the pseudonymous entry, so they count as before) without their
    details (a community post's address, a quiz score) or idempotency keys, which may carry an
    employee id (the demo's do): each key becomes unique by the row's own id."""
    return rows.update(
        metadata={}, idempotency_key=Concat(Value("erased:"), Cast("pk", CharField()))
    )


def log_entries_relabel(rows: QuerySet, person: Person) -> int:
    """Wagtail's history of edits to the person's directory entry or account is labelled with
    what the entry was called at the time: the label and details go; who edited what, when,
    stays. Entries the person wrote (as an editor) keep their link to the pseudonymous account."""
    about = about_person(person)
    return rows.filter(about).update(label=NAME, data={}) if about else 0


def about_person(person: Person) -> Q | None:
    """Log entries about the person's directory entry or account."""
    condition = Q()
    for obj in (person.staff, person.user):
        if obj is not None:
            condition |= Q(
                content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
            )
    return condition or None


def pages_unlock(rows: QuerySet, person: Person) -> int:
    """Pages the person locked would stay locked by an account nobody can use."""
    if person.user is None:
        return 0
    return rows.filter(locked_by=person.user).update(locked=False, locked_by=None, locked_at=None)


def directory_imports_scrub(rows: QuerySet, person: Person) -> int:
    """An import keeps the fields it changed as they were before it (for undo): the person's
    old name and email are among them. Their entry leaves that list, so undo passes them by."""
    if person.staff is None:
        return 0
    changed = 0
    for record in rows:
        before = dict(record.before)
        updated = [row for row in before.get("updated", []) if row and row[0] != person.staff.pk]
        if len(updated) != len(before.get("updated", [])):
            before["updated"] = updated
            record.before = before
            record.save(update_fields=["before"])
            changed += 1
    return changed


def directory_imports_naming(person: Person):
    """Imports whose undo list holds the person's old fields (the JSON is read in Python: it is
    a list of lists, and imports are few)."""
    if person.staff is None:
        return None
    pk = person.staff.pk
    ids = [
        record.pk
        for record in DirectoryImport.objects.only("pk", "before")
        if any(row and row[0] == pk for row in (record.before or {}).get("updated", []))
    ]
    return Q(pk__in=ids) if ids else None


def pending_imports_naming(person: Person):
    """Staff files waiting for their confirmation that carry the person's email or employee id
    (a day's worth at most): they go, and their uploader sends the file again."""
    if person.staff is None:
        return None
    needles = [v.lower().encode() for v in (person.staff.email, person.staff.employee_id) if v]
    ids = [
        pending.pk
        for pending in PendingImport.objects.only("pk", "data")
        if any(needle in bytes(pending.data).lower() for needle in needles)
    ]
    return Q(pk__in=ids) if ids else None

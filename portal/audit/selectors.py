"""Reads of the audit log: entries with the people in them named as they are now.

Entries hold people as ids (see the package docstring); these functions put the names back,
two queries per page whatever its length: one for accounts, one for directory entries.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from ..people.models import Staff
from . import actions
from .models import AuditEntry

STAFF = "portal.staff"
USER = settings.AUTH_USER_MODEL.lower()


def entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.select_related("actor")


def entries_matching(queryset: QuerySet[AuditEntry], text: str) -> QuerySet[AuditEntry]:
    """Entries by or about someone whose name, username or email contains `text`, or whose
    action or label does."""
    text = text.strip()
    if not text:
        return queryset
    users = get_user_model().objects.filter(
        Q(username__icontains=text)
        | Q(first_name__icontains=text)
        | Q(last_name__icontains=text)
        | Q(email__icontains=text)
    )
    people = Staff.objects.filter(Q(display_name__icontains=text) | Q(email__icontains=text))
    codes = [code for code, label in actions.ACTIONS.items() if text.lower() in label.lower()]
    user_ids = [str(pk) for pk in users.values_list("pk", flat=True)[:500]]
    staff_ids = [str(pk) for pk in people.values_list("pk", flat=True)[:500]]
    return queryset.filter(
        Q(actor__in=users)
        | Q(target_type=USER, target_id__in=user_ids)
        | Q(target_type=STAFF, target_id__in=staff_ids)
        | Q(target_label__icontains=text)
        | Q(action__icontains=text)
        | Q(action__in=codes)
    )


def entries_describe(page: list[AuditEntry]) -> list[AuditEntry]:
    """Give each entry `who`, `about` and `what` in words (two queries for the page)."""
    ids = {USER: set(), STAFF: set()}
    for entry in page:
        if entry.target_type in ids and entry.target_id.isdigit():
            ids[entry.target_type].add(int(entry.target_id))
    users = (
        {u.pk: u for u in get_user_model().objects.filter(pk__in=ids[USER])} if ids[USER] else {}
    )
    people = (
        dict(Staff.objects.filter(pk__in=ids[STAFF]).values_list("pk", "display_name"))
        if ids[STAFF]
        else {}
    )
    for entry in page:
        entry.who = _account(entry.actor, entry.actor_id)
        entry.what = actions.label_of(entry.action)
        entry.about = _target(entry, users, people)
        entry.summary = detail_text(entry.detail)
    return page


def _account(user, pk) -> str:
    if pk is None:
        return "The portal"
    if user is None:
        return f"Account {pk} (deleted)"
    return user.get_full_name() or user.get_username()


def _target(entry: AuditEntry, users: dict, people: dict) -> str:
    pk = entry.target_id
    if entry.target_type == USER:
        found = users.get(int(pk)) if pk.isdigit() else None
        return f"Account: {_account(found, pk)}"
    if entry.target_type == STAFF:
        name = people.get(int(pk)) if pk.isdigit() else None
        if entry.action.startswith("report."):  # the report of the line this person heads
            line = f"{name}'s reporting line" if name else f"the line of staff {pk}"
            return f"Adoption report: {line}"
        return f"Staff: {name}" if name else f"Staff {pk} (no longer in the directory)"
    if entry.target_label:
        return entry.target_label
    return f"{entry.target_type} {pk}".strip()


def detail_text(detail: dict) -> str:
    """The detail in one line: "format: csv; weights: 2.0 → 3.0", keys in alphabetical order
    (PostgreSQL's jsonb keeps its own order, not the one written)."""
    parts = []
    for key, value in sorted((detail or {}).items()):
        if key == "changes":  # {field: [before, after]}
            parts.extend(f"{k}: {_plain(v[0])} → {_plain(v[1])}" for k, v in sorted(value.items()))
        elif isinstance(value, dict):
            inner = "; ".join(f"{k}: {_plain(v)}" for k, v in sorted(value.items()))
            parts.append(f"{key.replace('_', ' ')}: {inner}")
        else:
            parts.append(f"{key.replace('_', ' ')}: {_plain(value)}")
    return "; ".join(parts)


def _plain(value) -> str:
    if value is None or value == []:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={_plain(v)}" for k, v in value.items())
    return str(value)

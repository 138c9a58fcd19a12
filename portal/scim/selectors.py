"""Reads: the people SCIM shows (a page of them, one of them) and the last calls.

A person is a SCIM User unless the identity provider deleted them (they stay in the directory,
inactive, and answer 404 here). A page is one query for the people (their department, role,
location and SCIM side joined) and one count, whatever the page's size.
"""

from django.db.models import Count, Q
from django.db.models.functions import Lower

from ..people.models import Staff
from .filters import users_q
from .models import ScimCall

VISIBLE = Q(scim__isnull=True) | Q(scim__deleted_at__isnull=True)


def _people():
    return (
        Staff.objects.annotate(email_lower=Lower("email"))
        .filter(VISIBLE)
        .select_related("department", "role", "location", "scim")
    )


def scim_users_page(*, filter_text: str, start_index: int, count: int) -> tuple[int, list]:
    """(how many match, the page of them from `start_index`, 1-based), in id order."""
    people = _people()
    if filter_text:
        people = people.filter(users_q(filter_text))
    total = people.count()
    if count <= 0:
        return total, []
    start = start_index - 1
    return total, list(people.order_by("pk")[start : start + count])


def scim_user(pk: str):
    """The person with SCIM id `pk`, or None."""
    if not pk.isdigit() or len(pk) > 18:
        return None
    return _people().filter(pk=int(pk)).first()


def scim_user_for_update(pk: str):
    """`scim_user`, with the person's row locked until the transaction ends (a write's start).
    Only the person's row: PostgreSQL locks no row on the nullable side of an outer join."""
    if not pk.isdigit() or len(pk) > 18:
        return None
    return _people().select_for_update(of=("self",)).filter(pk=int(pk)).first()


def user_not_found(pk: str) -> str:
    return f"No User has the id {pk!r} here."


def scim_calls_recent(limit: int = 50):
    return ScimCall.objects.select_related("token")[:limit]


def scim_errors_by_count(limit: int = 20):
    """The kinds of refusal seen, most frequent first: status, scimType and sentence."""
    return (
        ScimCall.objects.filter(status__gte=400)
        .values("status", "scim_type", "detail")
        .annotate(count=Count("pk"))
        .order_by("-count", "status")[:limit]
    )

"""Reads for a person's data page: where their erasure request stands."""

from .holdings import Person
from .models import ErasureRequest


def erasure_latest(*, person: Person) -> ErasureRequest | None:
    """The person's most recent erasure request, if they have one."""
    if person.staff is None and person.user is None:
        return None
    rows = ErasureRequest.objects.none()
    if person.staff is not None:
        rows |= ErasureRequest.objects.filter(staff=person.staff)
    if person.user is not None:
        rows |= ErasureRequest.objects.filter(user=person.user)
    return rows.order_by("-requested_at", "-pk").first()

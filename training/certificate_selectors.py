"""Reading certificates: one by its code (anyone may check one is real), a person's own."""

from portal.people.models import Staff

from . import codes
from .models import Certificate


def certificate_find(*, code: str) -> Certificate | None:
    code = codes.code_normal(code)
    return Certificate.objects.filter(code=code).first() if code else None


def certificates_of(*, staff: Staff) -> list[Certificate]:
    """Every certificate issued to `staff`, newest first (one query). The module, title and
    tier are as they were at issue, so a renamed or deleted module changes nothing here."""
    return list(Certificate.objects.filter(staff=staff).order_by("-issued_at", "-pk"))

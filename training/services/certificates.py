"""Certificates: issued once per person and module, checkable by a code (`training.codes`)."""

from datetime import datetime

from django.db import IntegrityError, transaction

from portal.people.models import Staff

from .. import codes
from ..models import Certificate, ModulePage


def certificate_issue(*, staff: Staff, module: ModulePage, now: datetime) -> Certificate:
    """The person's certificate for the module, issued now if they have none."""
    existing = Certificate.objects.filter(staff=staff, module=module).first()
    if existing:
        return existing
    tier = module.tier
    for _ in range(5):
        try:
            with transaction.atomic():
                return Certificate.objects.create(
                    code=codes.code_new(),
                    staff=staff,
                    module=module,
                    name=staff.display_name,
                    module_title=module.title,
                    tier_name=tier.name if tier else "",
                    issued_at=now,
                )
        except IntegrityError:
            existing = Certificate.objects.filter(staff=staff, module=module).first()
            if existing:
                return existing  # issued by a concurrent request
    raise RuntimeError("Could not find a free certificate code in 5 tries.")

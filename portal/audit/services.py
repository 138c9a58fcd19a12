"""The one way to write to the audit log.

```python
from portal.audit.services import record

record(actor=request.user, action="erasure.approved", target=staff, detail={"request": pk})
```

Call it inside the transaction of the change it records, so the change and its entry commit
or roll back together. Reads (a named report, an export) are recorded as they are served.
"""

from django.conf import settings
from django.db import models

from . import actions
from .models import AuditEntry

# People appear in the log by id only (see the package docstring).
PERSON_MODELS = frozenset({"portal.staff", settings.AUTH_USER_MODEL.lower()})


def record(*, actor, action: str, target=None, detail: dict | None = None) -> AuditEntry:
    """Write one entry: `actor` (an account; None or anonymous: the portal itself) did
    `action` (registered in `actions`) to `target` (a model instance; `(instance, pk)` for one
    just deleted; a label; or None), with
    `detail` (JSON: ids, counts, choices; never a person's name, email or free text)."""
    if action not in actions.ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: register it in portal.audit.actions")
    kind, pk, label = target_parts(target)
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=kind,
        target_id=pk,
        target_label=label,
        detail=detail or {},
    )


def target_parts(target) -> tuple[str, str, str]:
    """(type, id, label) of what an entry is about; a person gets no label."""
    if target is None:
        return "", "", ""
    pk = None
    if isinstance(target, tuple):
        target, pk = target
    if isinstance(target, models.Model):
        kind = target._meta.label_lower
        label = "" if kind in PERSON_MODELS else str(target)[:200]
        return kind, str(target.pk if pk is None else pk), label
    return "", "", str(target)[:200]

"""Changes made in the Wagtail admin, recorded as the before and after values of the fields
that matter (a tier's requirements, a role's target tier, an account's groups, the champion
score's weights), for the models an app asks to `track` in its `AppConfig.ready()`.

Wagtail's admin hooks give the object before an edit (`before_edit_*`, while the request is
still unsaved) and after it (`after_edit_*`), so the hooks in `wagtail_hooks` take a snapshot
before and compare after; the snapshot waits on the request in between. Values that are
people (a manager, an account) are kept as ids, everything else as its label.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models

from . import actions
from .services import PERSON_MODELS, record


@dataclass(frozen=True)
class Tracked:
    fields: tuple[str, ...]  # own fields, foreign keys included
    children: tuple[str, ...] = ()  # child relations edited inline (a tier's requirements)
    many: tuple[str, ...] = ()  # many-to-many (an account's groups)
    created: str = ""  # the actions recorded; "" records nothing
    changed: str = ""
    deleted: str = ""


TRACKED: dict[str, Tracked] = {}
USER = settings.AUTH_USER_MODEL.lower()


def track(
    label: str,
    *,
    noun: str,
    fields: tuple[str, ...],
    children: tuple[str, ...] = (),
    many: tuple[str, ...] = (),
    changed: str = "",
    created: str | None = None,
    deleted: str | None = None,
) -> None:
    """Record admin edits of the model `label` ("portal.Tier"): `<noun>.created`, `.changed`
    and `.deleted` unless named otherwise (None: not recorded)."""
    names = {
        "created": f"{noun}.created" if created is None else created,
        "changed": changed or f"{noun}.changed",
        "deleted": f"{noun}.deleted" if deleted is None else deleted,
    }
    for verb, action in names.items():
        if action:
            actions.register(action, f"{verb.capitalize()} a {noun.replace('_', ' ')}")
    TRACKED[label.lower()] = Tracked(fields, children, many, **names)


def tracked(instance) -> Tracked | None:
    return TRACKED.get(instance._meta.label_lower) if isinstance(instance, models.Model) else None


def snapshot(instance) -> dict:
    """The tracked values of `instance` as JSON-ready values."""
    spec = tracked(instance)
    values = {name: _value(instance, name) for name in spec.fields}
    for name in spec.children:
        values[name] = sorted(_child_text(c) for c in getattr(instance, name).all())
    for name in spec.many:
        values[name] = sorted(str(o) for o in getattr(instance, name).all())
    return values


def differences(before: dict, after: dict) -> dict:
    """{field: [before, after]} for each value that changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def remember(request, instance) -> None:
    """Before an edit or a deletion: the tracked values as they are, kept on the request."""
    if request.method != "POST" or tracked(instance) is None:
        return
    kept = getattr(request, "_audit_before", {})
    key = (instance._meta.label_lower, str(instance.pk))
    kept[key] = snapshot(instance)
    kept[id(instance)] = key  # a deleted instance has lost its pk by the after hook
    request._audit_before = kept


def _before(request, label: str, pk) -> dict | None:
    return getattr(request, "_audit_before", {}).get((label, str(pk)))


def edited(request, instance) -> None:
    spec = tracked(instance)
    if spec is None or not spec.changed:
        return
    before = _before(request, instance._meta.label_lower, instance.pk) or {}
    changes = differences(before, snapshot(instance))
    if changes:
        record(
            actor=request.user, action=spec.changed, target=instance, detail={"changes": changes}
        )


def created(request, instance) -> None:
    spec = tracked(instance)
    if spec is None or not spec.created:
        return
    values = {k: v for k, v in snapshot(instance).items() if v not in (None, "", [])}
    record(actor=request.user, action=spec.created, target=instance, detail={"values": values})


def deleted(request, instance) -> None:
    """After a deletion: `instance.pk` is gone by then, so the id comes from `remember`."""
    spec = tracked(instance)
    if spec is None or not spec.deleted:
        return
    kept = getattr(request, "_audit_before", {})
    key = kept.get(id(instance), (instance._meta.label_lower, str(instance.pk)))
    pk, values = key[1], kept.get(key, {})
    record(
        actor=request.user,
        action=spec.deleted,
        target=(instance, pk),
        detail={"values": {k: v for k, v in values.items() if v not in (None, "", [])}},
    )


def _value(instance, name: str):
    field = instance._meta.get_field(name)
    if field.is_relation:
        related = getattr(instance, name)
        if related is None:
            return None
        return related.pk if related._meta.label_lower in PERSON_MODELS else str(related)
    value = field.value_from_object(instance)
    return value if isinstance(value, bool | int | float | str) or value is None else str(value)


def _child_text(child) -> str:
    """A child row in one line: its own fields that have a value."""
    parts = []
    for field in child._meta.concrete_fields:
        if field.primary_key or field.is_relation or field.name == "sort_order":
            continue
        value = field.value_from_object(child)
        if value not in (None, "", False):
            parts.append(f"{field.name}={value}")
    return ", ".join(parts)

"""Writes: a User created, replaced, patched or deleted, as directory changes.

Every write goes through `portal.people.person` (the HR import's rules, a fixed number of
queries) inside one transaction with the person's SCIM side, so a refusal leaves nothing
behind. What only SCIM knows stays here: the userName (unique, compared like an address), the
externalId, and a manager the identity provider named before they arrived, kept as it was
named (`ScimUser.manager_ref`) until someone answers to it: whoever is created or renamed to
that id, externalId, employee id, userName or address becomes the manager of everyone who was
waiting for them, unless that would close a loop of managers, which is refused in words.

Deleting a User marks the person as left (never deleted: history stays, reports count them as
gone, their account and sessions end); the SCIM resource is gone (404) until the identity
provider creates it again, which brings the same person back.
"""

import unicodedata
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from scim2_models import Context, PatchOp

from ..people.importing.checking import email_key
from ..people.models import Staff
from ..people.person import PersonRefused, managers_above, person_deactivate, person_save
from ..people.services import directory_revise
from .errors import ScimError
from .mapping import fields_from, scim_of, user_data
from .models import ScimUser
from .protocol import ENTERPRISE, UserResource, kept
from .selectors import scim_user_for_update, user_not_found
from .versions import version_check

MAX_IDENTIFIER = 255  # userName, externalId, a manager's reference


def scim_user_create(*, resource) -> Staff:
    """A joiner (201), or someone the directory already has and SCIM does not yet: the same
    employee id, or (without one) the same address, or a User deleted earlier with the same
    userName, who comes back."""
    data = _incoming(resource)
    with _conflicts_in_words(), transaction.atomic():
        staff, holder = _returning(data)
        scim = scim_of(staff) if staff is not None else None
        if scim is not None and scim.deleted_at is None:
            raise ScimError(
                409,
                f"userName {data['userName']!r} already belongs to User {staff.pk}.",
                "uniqueness",
            )
        return _write(staff, data, holder=holder)


def scim_user_replace(*, pk: str, resource, if_match: str | None = None) -> Staff:
    """PUT: the User is what was sent, if it is still at the version `if_match` names."""
    with _conflicts_in_words(), transaction.atomic():
        staff = _locked(pk)
        version_check(if_match, user_data(staff, "")["meta"]["version"], f"User {pk}")
        return _write(staff, _incoming(resource))


def scim_user_patch(*, pk: str, patch: PatchOp, base: str, if_match: str | None = None) -> Staff:
    """Apply PATCH operations to the User as it stands, then write the result like a PUT."""
    with _conflicts_in_words(), transaction.atomic():
        staff = _locked(pk)
        data = user_data(staff, base)
        version_check(if_match, data["meta"]["version"], f"User {pk}")
        current = UserResource.model_validate(data, scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        patch.patch(current)
        return _write(staff, _incoming(current))


def scim_user_delete(*, pk: str, if_match: str | None = None) -> None:
    with transaction.atomic():
        staff = _locked(pk)
        version_check(if_match, user_data(staff, "")["meta"]["version"], f"User {pk}")
        person_deactivate(staff=staff)
        scim = scim_of(staff)
        if scim is None:  # made by the HR import: their address stands in for a userName
            key = email_key(staff.email)
            if ScimUser.objects.filter(user_name_key=key).exists():  # another User's userName
                key = f"{key}#deleted-{staff.pk}"
            ScimUser.objects.create(
                staff=staff, user_name=staff.email, user_name_key=key, deleted_at=timezone.now()
            )
        else:
            ScimUser.objects.filter(pk=scim.pk).update(deleted_at=timezone.now())


def _locked(pk: str) -> Staff:
    """The User `pk` re-read under its row's lock, which every write starts from (so a version
    is checked against what the write changes), or 404."""
    staff = scim_user_for_update(pk)
    if staff is None:
        raise ScimError(404, user_not_found(pk))
    return staff


@contextmanager
def _conflicts_in_words():
    """A unique value taken by a concurrent request between our check and our write: the
    transaction is rolled back by then, and the identity provider is told to send it again."""
    try:
        yield
    except IntegrityError:
        raise ScimError(
            409,
            "Another change to the directory took this userName, email or employee id at the "
            "same moment; nothing was saved. Send it again.",
            "uniqueness",
        ) from None


def _incoming(resource) -> dict:
    data = kept(resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    data["externalId"] = resource.external_id or ""
    for name, value in (
        ("userName", data.get("userName", "")),
        ("externalId", data["externalId"]),
        ("manager", _manager_value(data)),
    ):
        if len(value) > MAX_IDENTIFIER:
            raise ScimError(
                400, f"{name} is longer than {MAX_IDENTIFIER} characters.", "invalidValue"
            )
    if not data.get("emails"):
        raise ScimError(
            400,
            "emails is missing: the directory needs each person's work email address.",
            "invalidValue",
        )
    return data


def _manager_value(data: dict) -> str:
    manager = (data.get(ENTERPRISE) or {}).get("manager") or {}
    return str(manager.get("value") or "").strip()


def _returning(data: dict) -> tuple[Staff | None, ScimUser | None]:
    """Who a new User is already in the directory, if anyone (see `scim_user_create`), and the
    SCIM side holding its userName, if any (deleted or not)."""
    key = email_key(data["userName"])
    held = ScimUser.objects.filter(user_name_key=key).select_related("staff").first()
    if held is not None:
        return held.staff, held
    fields = fields_from(data)
    employee_id = unicodedata.normalize(
        "NFKC", str((data.get(ENTERPRISE) or {}).get("employeeNumber") or "").strip()
    )
    people = Staff.objects.filter(
        Q(scim__isnull=True) | Q(scim__deleted_at__isnull=False)
    ).select_related("scim")
    if employee_id:
        return people.filter(employee_id=employee_id).first(), None
    if fields.email:
        for person in people.annotate(email_lower=Lower("email")).filter(
            email_lower__in={fields.email.lower(), email_key(fields.email)}
        ):
            if email_key(person.email) == email_key(fields.email):
                return person, None
    return None, None


_UNKNOWN = object()


def _write(staff: Staff | None, data: dict, *, holder=_UNKNOWN) -> Staff:
    """Write the person and their SCIM side. `holder`: the SCIM side that holds this userName,
    when the caller has read it already (a create has)."""
    key = email_key(data["userName"])
    scim = scim_of(staff) if staff is not None else None
    if scim is not None and scim.user_name_key == key:
        holder = None  # the userName they have: theirs
    elif holder is _UNKNOWN:
        holder = ScimUser.objects.filter(user_name_key=key).exclude(staff=staff).first()
    elif holder is not None and staff is not None and holder.staff_id == staff.pk:
        holder = None
    if holder is not None:
        if holder.deleted_at is None:
            raise ScimError(
                409,
                f"userName {data['userName']!r} already belongs to User {holder.staff_id}.",
                "uniqueness",
            )
        holder.delete()  # a deleted User's name, taken by someone else now
    manager_value = _manager_value(data)
    manager = _manager_find(manager_value) if manager_value else None
    try:
        staff = person_save(staff=staff, fields=fields_from(data, staff=staff), manager=manager)
    except PersonRefused as refused:
        raise ScimError(
            409 if refused.conflict else 400,
            refused.message,
            "uniqueness" if refused.conflict else "invalidValue",
        ) from None
    values = {
        "user_name": data["userName"],
        "user_name_key": key,
        "external_id": data["externalId"],
        "manager_ref": manager_value if manager_value and manager is None else "",
        "attributes": {k: v for k, v in data.items() if k not in ("externalId", "userName")},
        "deleted_at": None,
    }
    if scim is None:
        scim = ScimUser.objects.create(staff=staff, **values)
    else:
        for name, value in values.items():
            setattr(scim, name, value)
        scim.save(update_fields=[*values, "updated_at"])
    staff.scim = scim  # the person as answered: no need to read them back
    _waiting_resolve(staff, data)
    return staff


def _manager_find(value: str) -> Staff | None:
    """The active person `value` names: by SCIM id, externalId, employee id, userName or
    address, in that order; None while nobody answers to it (kept, and resolved later)."""
    key = email_key(value)
    match = (
        Q(employee_id=value)
        | Q(scim__external_id=value)
        | Q(scim__user_name_key=key)
        | Q(email_lower=value.lower())
    )
    if value.isdigit() and len(value) < 19:
        match |= Q(pk=int(value))
    found = list(
        Staff.objects.annotate(email_lower=Lower("email"))
        .filter(match, Q(scim__isnull=True) | Q(scim__deleted_at__isnull=True), active=True)
        .select_related("scim")[:10]
    )

    def rank(person):
        scim = scim_of(person)
        return (
            str(person.pk) != value,
            not (scim and scim.external_id == value),
            person.employee_id != value,
            not (scim and scim.user_name_key == key),
        )

    return min(found, key=rank) if found else None


def _waiting_resolve(staff: Staff, data: dict) -> None:
    """Everyone who named this person as their manager before they could be found."""
    names = {str(staff.pk), data["externalId"], staff.employee_id, data["userName"], staff.email}
    waiting = list(
        ScimUser.objects.filter(manager_ref__in=names - {""}, deleted_at__isnull=True)
        .exclude(staff=staff)
        .values_list("staff_id", flat=True)
    )
    if not waiting or not staff.active:
        return
    above = set(managers_above(staff.pk))
    looping = [pk for pk in waiting if pk in above]
    if looping:
        raise ScimError(
            400,
            f"This would make a loop of managers: User {looping[0]} named this person as "
            "their manager, and is already above them in the management line.",
            "invalidValue",
        )
    Staff.objects.filter(pk__in=waiting).update(manager=staff)
    ScimUser.objects.filter(staff_id__in=waiting).update(manager_ref="")
    directory_revise()

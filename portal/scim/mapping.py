"""A person in the directory as a SCIM User, and a SCIM User as the directory's fields.

What the identity provider sent is kept as it was sent (`ScimUser.attributes`, the attributes
`protocol` publishes), and a GET answers with it, except where the directory now says
otherwise (the HR import moved someone, or they left): there the directory wins, so a GET
always tells the truth. Someone the HR import made is a User too, with their email as
userName, so an identity provider looking for them by filter finds them instead of creating
them twice.

From the User to the directory: the work email (else the primary, else the first) is the
person's address; the name is displayName, else name.formatted, else given and family names,
else the userName; `title` is the role; the enterprise extension's department and
employeeNumber are the department and the employee id (without one, a new person gets
`scim-` and 12 random hex digits, kept from then on); the work address (else the primary,
else the first) gives the location: its locality, else region, else country, else the
formatted address (matched and made by name as the HR import does, in `people.person`).
`locale` is kept and given back, but it is a language tag for formatting (`en-US`), not where
someone works: it sets no location.
"""

import copy
import secrets
import unicodedata

from django.core.exceptions import ObjectDoesNotExist

from ..people.importing.checking import email_key
from ..people.importing.writing import _name_key
from ..people.person import PersonFields
from .protocol import CORE_USER, ENTERPRISE
from .versions import version_of

# The directory's fields by the names a SCIM client knows them by, for refusals in words.
LABELS = {
    "employee_id": "employeeNumber",
    "email": "the work email",
    "name": "displayName",
    "role": "title",
    "location": "the work address's locality",
}


def scim_of(staff):
    """The person's SCIM side, or None (made by the HR import, not yet written by SCIM)."""
    try:
        return staff.scim
    except ObjectDoesNotExist:
        return None


def _clean(value) -> str:
    return " ".join(unicodedata.normalize("NFC", str(value or "")).split())


def chosen(items, kind: str = "work"):
    """The entry of a multi-valued attribute that counts: `kind` typed, else primary, else
    the first."""
    items = [item for item in items or [] if isinstance(item, dict)]
    for test in (lambda i: i.get("type") == kind, lambda i: i.get("primary") is True):
        for item in items:
            if test(item):
                return item
    return items[0] if items else None


def name_of(data: dict) -> str:
    name = data.get("name") or {}
    given = " ".join(part for part in (name.get("givenName"), name.get("familyName")) if part)
    for candidate in (data.get("displayName"), name.get("formatted"), given, data.get("userName")):
        if _clean(candidate):
            return _clean(candidate)
    return ""


def location_of(data: dict) -> str:
    address = chosen(data.get("addresses"))
    if address is None:
        return ""
    for part in ("locality", "region", "country", "formatted"):
        if _clean(address.get(part)):
            return _clean(address.get(part))
    return ""


def fields_from(data: dict, *, staff=None) -> PersonFields:
    """The directory's fields for a User's attributes (as `protocol.kept` keeps them)."""
    extension = data.get(ENTERPRISE) or {}
    email = chosen(data.get("emails"))
    employee_id = _clean(extension.get("employeeNumber"))
    if not employee_id:
        employee_id = staff.employee_id if staff is not None else f"scim-{secrets.token_hex(6)}"
    return PersonFields(
        employee_id=employee_id,
        email=str(email.get("value") or "") if email else "",
        name=name_of(data),
        department=_clean(extension.get("department")),
        role=_clean(data.get("title")),
        location=location_of(data),
        active=data.get("active") is not False,
        labels=LABELS,
    )


def user_data(staff, base: str) -> dict:
    """The person as a SCIM User (JSON), `base` being the absolute `/scim/v2/` address; its
    `meta.version` is the hash of the rest (`versions`)."""
    scim = scim_of(staff)
    data = copy.deepcopy(scim.attributes) if scim is not None else {}
    extension = data.pop(ENTERPRISE, None) or {}
    data = {
        "schemas": [CORE_USER],
        "id": str(staff.pk),
        **({"externalId": scim.external_id} if scim is not None and scim.external_id else {}),
        **data,
        "userName": scim.user_name if scim is not None else staff.email,
    }
    if scim is None or "active" in data or not staff.active:  # left out: active by default
        data["active"] = staff.active
    _directory_wins(data, extension, staff, made_by_import=scim is None)
    if extension:
        data["schemas"].append(ENTERPRISE)
        data[ENTERPRISE] = extension
    data["meta"] = {
        "resourceType": "User",
        "location": f"{base}Users/{staff.pk}",
        "version": version_of(data),
    }
    if scim is not None:
        data["meta"]["created"] = scim.created_at.isoformat()
        data["meta"]["lastModified"] = scim.updated_at.isoformat()
    return data


def _directory_wins(data: dict, extension: dict, staff, *, made_by_import: bool) -> None:
    """Where the directory no longer says what the attributes say, the directory's value."""
    if name_of(data) != staff.display_name:
        data["displayName"] = staff.display_name
    email = chosen(data.get("emails"))
    if email is None:
        data["emails"] = [{"value": staff.email, "type": "work", "primary": True}]
    elif email_key(str(email.get("value") or "")) != email_key(staff.email):
        email["value"] = staff.email
    _group_wins(data, "title", staff.role)
    _group_wins(extension, "department", staff.department)
    if staff.location is not None and _name_key(location_of(data)) != _name_key(
        staff.location.name
    ):
        address = chosen(data.get("addresses"))
        if address is None:
            data["addresses"] = [{"type": "work", "locality": staff.location.name}]
        else:
            for part in ("region", "country", "formatted"):
                address.pop(part, None)
            address["locality"] = staff.location.name
    sent = _clean(extension.get("employeeNumber"))
    if (made_by_import or sent) and unicodedata.normalize("NFKC", sent) != staff.employee_id:
        extension["employeeNumber"] = staff.employee_id
    manager = extension.get("manager") or {}
    if staff.manager_id is not None and manager.get("value") != str(staff.manager_id):
        extension["manager"] = {"value": str(staff.manager_id)}
    elif staff.manager_id is None and manager and not _pending(staff):
        extension.pop("manager")


def _group_wins(data: dict, name: str, group) -> None:
    actual = group.name if group is not None else ""
    if _name_key(_clean(data.get(name))) != _name_key(actual):
        if actual:
            data[name] = actual
        else:
            data.pop(name, None)


def _pending(staff) -> bool:
    scim = scim_of(staff)
    return scim is not None and bool(scim.manager_ref)

"""Groups: a department, or the Community managers or Leaders role when its name is one of
those settings give the role (`SSO_GROUPS_COMMUNITY_MANAGERS`, `SSO_GROUPS_LEADERS`, the same
names single sign-on reads).

A department group's members are the people in that department: adding someone moves them
there, removing them takes them out of it (a PUT or PATCH says the whole membership; a POST
of a group for a department that already has people only adds). A role group's members get the
role on their account while they are members (someone without an account yet gets it when the
group is next written after they have one). Deleting a group forgets the SCIM resource; the
department stays, and so do its people and their history; a role group's members lose the
role. Every change renews the directory revision, so reports see it.
"""

from django.conf import settings
from django.contrib.auth.models import Group as AuthGroup
from django.db import transaction
from django.db.models import Q
from scim2_models import Context, Group, InvalidFilterException, PatchOp, ScimFilter
from scim2_models.path import CompareOperator, Comparison, LogicalExpr, LogicalOperator

from .. import permissions
from ..people.importing.writing import _name_key
from ..people.models import Staff
from ..people.person import (
    PersonRefused,
    department_for,
    department_rename,
    people_department_set,
)
from ..people.services import directory_revise
from .errors import ScimError
from .models import ScimGroup
from .protocol import CORE_GROUP
from .selectors import VISIBLE
from .versions import version_check, version_of

MAX_NAME = 255
ROLES = {
    ScimGroup.COMMUNITY_MANAGERS: permissions.COMMUNITY_MANAGERS,
    ScimGroup.LEADERS: permissions.LEADERS,
}


def kind_for(display_name: str) -> str:
    key = _name_key(display_name)
    for kind, names in (
        (ScimGroup.COMMUNITY_MANAGERS, settings.SSO_GROUPS_COMMUNITY_MANAGERS),
        (ScimGroup.LEADERS, settings.SSO_GROUPS_LEADERS),
    ):
        if key in {_name_key(name) for name in names}:
            return kind
    return ScimGroup.DEPARTMENT


def member_ids(groups: list[ScimGroup]) -> dict[int, list[int]]:
    """Each group's members (SCIM ids), for a whole page of groups in two queries."""
    members: dict[int, list[int]] = {group.pk: [] for group in groups}
    by_department = {g.department_id: g.pk for g in groups if g.kind == ScimGroup.DEPARTMENT}
    people = Staff.objects.filter(VISIBLE, department_id__in=[d for d in by_department if d])
    for department_id, pk in people.order_by("pk").values_list("department_id", "pk"):
        members[by_department[department_id]].append(pk)
    roles = [g.pk for g in groups if g.kind != ScimGroup.DEPARTMENT]
    if roles:
        through = ScimGroup.members.through.objects.filter(scimgroup_id__in=roles)
        visible = Staff.objects.filter(VISIBLE).values("pk")
        for group_id, pk in (
            through.filter(staff_id__in=visible)
            .order_by("staff_id")
            .values_list("scimgroup_id", "staff_id")
        ):
            members[group_id].append(pk)
    return members


def group_data(group: ScimGroup, members: list[int], base: str) -> dict:
    """The group as a SCIM Group (JSON); its version is the hash of its name, externalId and
    members, whatever the address it is read at (`base`)."""
    data = {"schemas": [CORE_GROUP], "id": str(group.pk), "displayName": group.display_name}
    if group.external_id:
        data["externalId"] = group.external_id
    version = version_of({**data, "members": [str(pk) for pk in members]})
    if members:
        data["members"] = [{"value": str(pk), "$ref": f"{base}Users/{pk}"} for pk in members]
    data["meta"] = {
        "resourceType": "Group",
        "location": f"{base}Groups/{group.pk}",
        "created": group.created_at.isoformat(),
        "lastModified": group.updated_at.isoformat(),
        "version": version,
    }
    return data


def scim_group_create(*, resource: Group) -> ScimGroup:
    with transaction.atomic():
        return _write(None, resource, only_add=True)


def scim_group_replace(*, group: ScimGroup, resource: Group, if_match: str | None = None):
    with transaction.atomic():
        group = _locked(group, if_match)
        return _write(group, resource)


def scim_group_patch(*, group: ScimGroup, patch: PatchOp, base: str, if_match: str | None = None):
    with transaction.atomic():
        group = _locked(group)
        data = group_data(group, member_ids([group])[group.pk], base)
        version_check(if_match, data["meta"]["version"], f"Group {group.pk}")
        current = Group.model_validate(data, scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        patch.patch(current)
        return _write(group, current)


def scim_group_delete(*, group: ScimGroup, if_match: str | None = None) -> None:
    with transaction.atomic():
        group = _locked(group, if_match)
        if group.kind in ROLES:
            _roles_set(group, remove=list(group.members.values_list("pk", flat=True)))
            directory_revise()
        group.delete()


def _locked(group: ScimGroup, if_match: str | None = None) -> ScimGroup:
    """The group re-read under its row's lock, which a write starts from; with `if_match`, at
    the version it names (else 412)."""
    group = (
        ScimGroup.objects.select_for_update(of=("self",))
        .select_related("department")
        .filter(pk=group.pk)
        .first()
    )
    if group is None:  # deleted by a concurrent request since the view found it
        raise ScimError(404, "This Group was deleted a moment ago.")
    if if_match:
        version = group_data(group, member_ids([group])[group.pk], "")["meta"]["version"]
        version_check(if_match, version, f"Group {group.pk}")
    return group


def _write(group: ScimGroup | None, resource: Group, *, only_add: bool = False) -> ScimGroup:
    name = " ".join(str(resource.display_name or "").split())
    if not name:
        raise ScimError(400, "displayName is missing: a group needs a name.", "invalidValue")
    if len(name) > MAX_NAME:
        raise ScimError(400, f"displayName is longer than {MAX_NAME} characters.", "invalidValue")
    key = _name_key(name)
    clash = ScimGroup.objects.filter(display_name_key=key).exclude(pk=getattr(group, "pk", None))
    if clash.exists():
        raise ScimError(409, f"A group is already called {name!r}.", "uniqueness")
    wanted = _members_wanted(resource)
    if group is None:
        group = ScimGroup(kind=kind_for(name))
    try:
        if group.kind == ScimGroup.DEPARTMENT:
            if group.department is None:
                group.department = department_for(name)
            else:
                department_rename(department=group.department, name=name)
    except PersonRefused as refused:
        raise ScimError(
            409 if refused.conflict else 400,
            refused.message,
            "uniqueness" if refused.conflict else "invalidValue",
        ) from None
    group.display_name, group.display_name_key = name, key
    group.external_id = str(resource.external_id or "")[:MAX_NAME]
    group.save()
    current = set(member_ids([group])[group.pk])
    add, remove = wanted - current, set() if only_add else current - wanted
    if group.kind == ScimGroup.DEPARTMENT:
        people_department_set(staff_ids=sorted(add), department=group.department)
        people_department_set(staff_ids=sorted(remove), department=None)
    elif add or remove:
        group.members.add(*add)
        group.members.remove(*remove)
        _roles_set(group, add=sorted(add), remove=sorted(remove))
        directory_revise()
    return group


def _members_wanted(resource: Group) -> set[int]:
    values = [str(member.value or "") for member in resource.members or []]
    ids = {int(value) for value in values if value.isdigit() and len(value) < 19}
    known = set(Staff.objects.filter(VISIBLE, pk__in=ids).values_list("pk", flat=True))
    unknown = [value for value in values if not value.isdigit() or int(value) not in known]
    if unknown:
        raise ScimError(
            400,
            f"members: {unknown[0]!r} is not the id of a User here"
            + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else "")
            + ". Provision the person first, then the group.",
            "invalidValue",
        )
    return known


def _roles_set(group: ScimGroup, *, add=(), remove=()) -> None:
    """The role follows membership on the members' accounts (those who have one)."""
    role = AuthGroup.objects.filter(name=ROLES[group.kind]).first()
    if role is None:
        return
    users = dict(Staff.objects.filter(pk__in=[*add, *remove]).values_list("pk", "user_id"))
    role.user_set.add(*[users[pk] for pk in add if users.get(pk)])
    role.user_set.remove(*[users[pk] for pk in remove if users.get(pk)])


def groups_q(text: str) -> Q:
    """Filters on groups: displayName (as names match), externalId and id, with eq."""
    return _group_q(ScimFilter[Group](text).ast)


def _group_q(node) -> Q:
    if isinstance(node, LogicalExpr):
        parts = [_group_q(term) for term in node.terms]
        result = parts[0]
        for part in parts[1:]:
            result = result & part if node.op == LogicalOperator.and_ else result | part
        return result
    if isinstance(node, Comparison) and node.op == CompareOperator.eq:
        name, value = node.attr_path.attr.lower(), str(node.value)
        if name == "displayname" and not node.attr_path.sub_attr:
            return Q(display_name_key=_name_key(value))
        if name == "externalid":
            return Q(external_id=value)
        if name == "id":
            return Q(pk=int(value)) if value.isdigit() and len(value) < 19 else Q(pk__in=[])
        if name == "members" and node.attr_path.sub_attr == "value":
            return Q(pk__in=_groups_of(value))
    raise InvalidFilterException(
        detail="Groups can be filtered with eq on displayName, externalId, id or members.value."
    )


def _groups_of(value: str):
    if not value.isdigit() or len(value) > 18:
        return ScimGroup.objects.none().values("pk")
    person = Staff.objects.filter(pk=int(value)).values("department_id")
    return ScimGroup.objects.filter(
        Q(kind=ScimGroup.DEPARTMENT, department_id__in=person) | Q(members__pk=int(value))
    ).values("pk")

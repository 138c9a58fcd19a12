"""A SCIM filter (RFC 7644 §3.4.2.2) as a database query on the directory.

scim2-models parses and checks the filter; this walks its tree into a `Q`, so a lookup by
userName among 100,000 people is one indexed query, never a scan in Python. The attributes
identity providers filter on are covered: `id`, `userName` (compared ignoring case and Unicode
width, as emails are), `externalId`, `displayName`, `active`, `emails` / `emails.value` /
`emails[type eq "work"].value` (the directory holds one address per person: any type or
primary condition inside the brackets is taken to mean it) and the enterprise extension's
`employeeNumber`. Anything else is refused with `invalidFilter`, in words.
"""

from django.db.models import Q
from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path import (
    CompareOperator,
    Comparison,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

from ..people.importing.checking import email_key
from .protocol import ENTERPRISE, UserResource

SUPPORTED = (
    "id, userName, externalId, displayName, active, emails (and emails.value, "
    'emails[type eq "work"].value) and employeeNumber'
)
# The staff field each attribute is on, and how a value is made comparable with it.
_STRING_FIELDS = {
    "externalid": "scim__external_id",
    "displayname": "display_name",
    "employeenumber": "employee_id",
}
_TEXT_LOOKUPS = {
    CompareOperator.co: "icontains",
    CompareOperator.sw: "istartswith",
    CompareOperator.ew: "iendswith",
}


def users_q(text: str) -> Q:
    """The query selecting the people `text` (a filter) matches; `InvalidFilterException`."""
    return _ToQ().visit(ScimFilter[UserResource](text).ast)


class _ToQ(FilterVisitor[Q]):
    def visit_logical_expr(self, node: LogicalExpr) -> Q:
        parts = [self.visit(term) for term in node.terms]
        result = parts[0]
        for part in parts[1:]:
            result = result & part if node.op == LogicalOperator.and_ else result | part
        return result

    def visit_not(self, node: Not) -> Q:
        return ~self.visit(node.expr)

    def visit_present(self, node: Present) -> Q:
        name = _name(node.attr_path)
        if name in ("id", "username", "emails", "emails.value", "active", "displayname"):
            return Q()
        if name in _STRING_FIELDS:
            return ~Q(**{_STRING_FIELDS[name]: ""}) & Q(
                **{f"{_STRING_FIELDS[name]}__isnull": False}
            )
        raise _unsupported(node.attr_path)

    def visit_comparison(self, node: Comparison) -> Q:
        name, op, value = _name(node.attr_path), node.op, node.value
        if name == "id":
            return _id(op, value)
        if name == "active" and op in (CompareOperator.eq, CompareOperator.ne):
            return Q(active=bool(value)) if op == CompareOperator.eq else ~Q(active=bool(value))
        if not isinstance(value, str):
            raise _unsupported(node.attr_path)
        if name == "username":
            return _text(op, value, _user_name_eq(value), "scim__user_name")
        if name in ("emails", "emails.value"):
            return _text(op, value, Q(email_lower=value.lower()), "email")
        if name in _STRING_FIELDS:
            field = _STRING_FIELDS[name]
            exact = Q(**{f"{field}__iexact" if name == "displayname" else field: value})
            return _text(op, value, exact, field)
        raise _unsupported(node.attr_path)

    def visit_value_path(self, node: ValuePath) -> Q:
        if _name(node.attr_path) != "emails":
            raise _unsupported(node.attr_path)
        return _EmailsQ().visit(node.val_filter)


class _EmailsQ(_ToQ):
    """Inside `emails[...]`: `value` is the person's address; type and primary always hold."""

    def visit_comparison(self, node: Comparison) -> Q:
        name = node.attr_path.attr.lower()
        if name == "value" and isinstance(node.value, str):
            return _text(node.op, node.value, Q(email_lower=node.value.lower()), "email")
        if name in ("type", "primary", "display"):
            return Q()
        raise _unsupported(node.attr_path)


def _name(attr_path) -> str:
    if attr_path.uri and attr_path.uri.lower() not in (ENTERPRISE.lower(), _core()):
        return ""
    name = attr_path.attr.lower()
    return f"{name}.{attr_path.sub_attr.lower()}" if attr_path.sub_attr else name


def _core() -> str:
    return "urn:ietf:params:scim:schemas:core:2.0:user"


def _user_name_eq(value: str) -> Q:
    """userName as compared everywhere: the SCIM side's key, or the address of someone the HR
    import made (whose userName is their address)."""
    return Q(scim__user_name_key=email_key(value)) | Q(scim__isnull=True, email_lower=value.lower())


def _id(op, value) -> Q:
    text = str(value)
    if op not in (CompareOperator.eq, CompareOperator.ne):
        raise InvalidFilterException(detail="id can only be compared with eq or ne.")
    match = Q(pk=int(text)) if text.isdigit() and len(text) < 19 else Q(pk__in=[])
    return match if op == CompareOperator.eq else ~match


def _text(op, value: str, exact: Q, field: str) -> Q:
    if op == CompareOperator.eq:
        return exact
    if op == CompareOperator.ne:
        return ~exact
    if op in _TEXT_LOOKUPS:
        return Q(**{f"{field}__{_TEXT_LOOKUPS[op]}": value})
    raise InvalidFilterException(
        detail=f"Text attributes compare with eq, ne, co, sw or ew, not {op.value}."
    )


def _unsupported(attr_path) -> InvalidFilterException:
    return InvalidFilterException(
        detail=f"Filtering on {attr_path} is not supported here; filter on {SUPPORTED}."
    )

"""What the service publishes (RFC 7643 §5-7) and the models requests are read with.

The schemas published are the attributes the portal keeps, no more: an identity provider (and
scim2-tester) fills in what a schema names, and whatever it sends must come back as it was
sent, while attributes kept for nobody (phone numbers, photos, passwords) are better never
stored. A work email is required: the directory cannot hold a person without one.

Requests are read under `POLICY`, which accepts what real identity providers send: attributes
of the core schema we do not keep are dropped, Entra ID's remove-by-value and its PATCH on a
filtered path with no entry yet (`emails[type eq "work"].value` on someone without one) are
applied as Entra means them. The enterprise manager's `$ref` is optional here, since neither
Entra ID nor Okta sends one.
"""

from typing import Annotated, Any

from pydantic import Field
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    EnterpriseUser,
    ETag,
    Filter,
    Group,
    Meta,
    Mutability,
    Patch,
    Reference,
    Required,
    ResourceType,
    Schema,
    ScimPolicy,
    ServiceProviderConfig,
    Sort,
    User,
)

MAX_RESULTS = 200  # the most resources one page of a list holds
DEFAULT_COUNT = 100


class Manager(ComplexAttribute):
    """The enterprise extension's manager, with `$ref` optional (RFC 7643 makes it required)."""

    value: Annotated[str | None, Required.true, CaseExact.true] = None
    ref: Annotated[Reference["User"] | None, Required.false] = Field(  # type: ignore[type-arg]
        None, serialization_alias="$ref", validation_alias="$ref"
    )
    display_name: Annotated[str | None, Mutability.read_only] = None


class PortalEnterpriseUser(EnterpriseUser):
    manager: Manager | None = None


UserResource = User[PortalEnterpriseUser]
ENTERPRISE = str(PortalEnterpriseUser.__schema__)
CORE_USER = str(User.__schema__)
CORE_GROUP = str(Group.__schema__)

POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

# The attributes kept, and published: each top-level name with the sub-attributes kept of it.
USER_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "userName": (),
    "name": ("formatted", "familyName", "givenName"),
    "displayName": (),
    "title": (),
    "locale": (),
    "active": (),
    "emails": ("value", "type", "primary"),
    "addresses": ("type", "formatted", "locality", "region", "country", "primary"),
}
ENTERPRISE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "employeeNumber": (),
    "department": (),
    "manager": ("value", "$ref", "displayName"),
}
GROUP_ATTRIBUTES: dict[str, tuple[str, ...]] = {"displayName": (), "members": ("value", "$ref")}


def _trimmed(schema: Schema, keep: dict[str, tuple[str, ...]], required=()) -> Schema:
    attributes = []
    for attribute in schema.attributes or []:
        if attribute.name not in keep:
            continue
        if attribute.sub_attributes:
            attribute.sub_attributes = [
                sub for sub in attribute.sub_attributes if sub.name in keep[attribute.name]
            ]
        if attribute.name in required:
            attribute.required = Required.true
            for sub in attribute.sub_attributes or []:
                if sub.name == "value":  # an email without its address is no email
                    sub.required = Required.true
        attributes.append(attribute)
    schema.attributes = attributes
    return schema


def _meta(resource_type: str, path: str) -> Meta:
    return Meta(resource_type=resource_type, location=f"/scim/v2/{path}")


def schemas() -> list[Schema]:
    user = _trimmed(User.to_schema(), USER_ATTRIBUTES, required={"userName", "emails"})
    enterprise = _trimmed(PortalEnterpriseUser.to_schema(), ENTERPRISE_ATTRIBUTES)
    enterprise.name = "EnterpriseUser"
    group = _trimmed(Group.to_schema(), GROUP_ATTRIBUTES, required={"displayName"})
    for schema in (user, enterprise, group):
        schema.meta = _meta("Schema", f"Schemas/{schema.id}")
    return [user, enterprise, group]


def resource_types() -> list[ResourceType]:
    user = ResourceType.from_resource(UserResource)
    group = ResourceType.from_resource(Group)
    for resource_type in (user, group):
        resource_type.meta = _meta("ResourceType", f"ResourceTypes/{resource_type.id}")
    return [user, group]


def service_provider_config() -> ServiceProviderConfig:
    config = ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=True),  # `versions`: a hash of each resource
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="A token a superuser made in the portal's admin (Provisioning) "
                "or with `manage.py scim_token create`, sent as `Authorization: Bearer ...`.",
                primary=True,
            )
        ],
    )
    config.meta = _meta("ServiceProviderConfig", "ServiceProviderConfig")
    return config


def kept(payload: dict[str, Any]) -> dict[str, Any]:
    """The attributes of a User's JSON (as scim2-models dumps it) that the portal keeps."""
    out: dict[str, Any] = {}
    for name, subs in USER_ATTRIBUTES.items():
        if payload.get(name) is not None:
            out[name] = _sub_kept(payload[name], subs)
    extension = payload.get(ENTERPRISE) or {}
    kept_extension = {
        name: _sub_kept(extension[name], subs)
        for name, subs in ENTERPRISE_ATTRIBUTES.items()
        if extension.get(name) is not None
    }
    if kept_extension:
        out[ENTERPRISE] = kept_extension
    return out


def _sub_kept(value, subs: tuple[str, ...]):
    if not subs:
        return value
    if isinstance(value, list):
        return [_sub_kept(item, subs) for item in value if isinstance(item, dict)]
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if key in subs and item is not None}
    return value

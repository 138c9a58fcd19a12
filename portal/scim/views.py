"""The SCIM endpoints: each parses the request, calls one service or selector, answers.

Authentication, limits and errors are `endpoint.scim_endpoint`'s; the protocol's shapes are
scim2-models'. Discovery (`ServiceProviderConfig`, `ResourceTypes`, `Schemas`) needs a token
like everything else: the identity provider has one, nobody else needs to know what we keep.
"""

from scim2_models import Context, Group, ListResponse, ResourceType, Schema, SCIMException

from . import protocol
from .endpoint import body, scim_endpoint
from .errors import ScimError, scim_response
from .paging import response_parameters, search_parameters
from .protocol import UserResource


def _absolute(request, data: dict) -> dict:
    meta = data.get("meta")
    if meta and meta.get("location", "").startswith("/"):
        meta["location"] = request.build_absolute_uri(meta["location"])
    return data


@scim_endpoint("GET")
def service_provider_config(request):
    config = protocol.service_provider_config()
    return scim_response(
        _absolute(request, config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    )


def _listing(request, items, model):
    page = ListResponse[model](
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    data = page.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    for item in data.get("Resources", []):
        _absolute(request, item)
    return scim_response(data)


def _one(request, items, wanted: str, kind: str):
    for item in items:
        if item.id == wanted:
            return scim_response(
                _absolute(request, item.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
            )
    raise ScimError(404, f"No {kind} is called {wanted!r} here.")


@scim_endpoint("GET")
def resource_types(request):
    return _listing(request, protocol.resource_types(), ResourceType)


@scim_endpoint("GET")
def resource_type(request, name):
    return _one(request, protocol.resource_types(), name, "resource type")


@scim_endpoint("GET")
def schemas(request):
    return _listing(request, protocol.schemas(), Schema)


@scim_endpoint("GET")
def schema(request, urn):
    return _one(request, protocol.schemas(), urn, "schema")


@scim_endpoint("POST", writes_directory=False)
def search_everything(request):
    """POST /.search (RFC 7644 §3.4.3): Users, then Groups, as one list. A filter naming an
    attribute one type does not have selects none of that type, as the RFC asks."""
    from .group_views import search_page as groups_page
    from .user_views import search_page as users_page

    source = body(request)
    search, start, count = search_parameters(source)
    pages, refusals = [], []
    for page in (users_page, groups_page):
        try:
            pages.append(page(request, search, start=1, count=start - 1 + count))
        except SCIMException as refused:
            refusals.append(refused)
    if len(refusals) == 2:
        raise refusals[0]
    total = sum(found for found, _ in pages)
    resources = [item for _, items in pages for item in items][start - 1 : start - 1 + count]
    listing = ListResponse[UserResource | Group](
        total_results=total, start_index=start, items_per_page=len(resources), resources=resources
    )
    return scim_response(
        listing.model_dump(
            scim_ctx=Context.RESOURCE_QUERY_RESPONSE,
            response_parameters=response_parameters(source),
        )
    )


@scim_endpoint("GET", "POST", "PUT", "PATCH", "DELETE", writes_directory=False)
def unknown(request, rest):
    raise ScimError(404, f"There is nothing at {request.path}.")

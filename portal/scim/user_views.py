"""`/scim/v2/Users`: list and search, read, create, replace, patch and delete a person.

Each view parses with scim2-models (payloads under the creation, replacement or patch
context, so read-only attributes sent are ignored and required ones checked), calls one
selector or service, and answers the person as they now stand in the directory.
"""

from django.http import HttpResponse
from scim2_models import Context, ListResponse, PatchOp, ResponseParameters

from . import selectors, services
from .endpoint import body, scim_endpoint
from .errors import ScimError, scim_response
from .mapping import user_data
from .normalise import patch_normalised, resource_normalised
from .paging import response_parameters, search_parameters
from .protocol import UserResource


def base_url(request) -> str:
    return request.build_absolute_uri("/scim/v2/")


def user_json(request, staff, parameters: ResponseParameters | None = None) -> dict:
    resource = UserResource.model_validate(
        user_data(staff, base_url(request)), scim_ctx=Context.RESOURCE_QUERY_RESPONSE
    )
    return resource.model_dump(
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE, response_parameters=parameters
    )


def search_page(request, search, *, start: int, count: int) -> tuple[int, list]:
    """How many people match `search`, and the page of them as resources."""
    total, people = selectors.scim_users_page(
        filter_text=str(search.filter or ""), start_index=start, count=count
    )
    return total, [
        UserResource.model_validate(
            user_data(person, base_url(request)), scim_ctx=Context.RESOURCE_QUERY_RESPONSE
        )
        for person in people
    ]


def _search(request, source: dict):
    """A page of people: `filter`, `startIndex` (from 1), `count` (at most MAX_RESULTS)."""
    search, start, count = search_parameters(source)
    total, resources = search_page(request, search, start=start, count=count)
    page = ListResponse[UserResource](
        total_results=total, start_index=start, items_per_page=len(resources), resources=resources
    )
    return scim_response(
        page.model_dump(
            scim_ctx=Context.RESOURCE_QUERY_RESPONSE,
            response_parameters=response_parameters(source),
        )
    )


@scim_endpoint("GET", "POST")
def users(request):
    if request.method == "GET":
        return _search(request, request.GET.dict())
    resource = UserResource.model_validate(
        resource_normalised(body(request)), scim_ctx=Context.RESOURCE_CREATION_REQUEST
    )
    staff = services.scim_user_create(resource=resource)
    data = user_json(request, staff, response_parameters(request.GET.dict()))
    return scim_response(data, status=201, headers={"Location": data["meta"]["location"]})


@scim_endpoint("POST", writes_directory=False)
def users_search(request):
    return _search(request, body(request))


@scim_endpoint("GET", "PUT", "PATCH", "DELETE")
def user(request, pk):
    staff = selectors.scim_user(pk)
    if staff is None:
        raise ScimError(404, f"No User has the id {pk!r} here.")
    parameters = response_parameters(request.GET.dict())
    if request.method == "GET":
        return scim_response(user_json(request, staff, parameters))
    if request.method == "DELETE":
        services.scim_user_delete(staff=staff)
        return HttpResponse(status=204)
    if request.method == "PUT":
        resource = UserResource.model_validate(
            resource_normalised(body(request)), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        staff = services.scim_user_replace(staff=staff, resource=resource)
    else:
        patch = PatchOp[UserResource].model_validate(
            patch_normalised(body(request)), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        staff = services.scim_user_patch(staff=staff, patch=patch, base=base_url(request))
    return scim_response(user_json(request, staff, parameters))

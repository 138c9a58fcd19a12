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
from .versions import matches


def base_url(request) -> str:
    return request.build_absolute_uri("/scim/v2/")


def user_response(request, staff, parameters: ResponseParameters, status: int = 200):
    """One User as answered to GET, POST, PUT and PATCH: its version in the `ETag` header too
    (RFC 7644 §3.14), whatever `attributes` leaves of `meta`. `parameters` are read before any
    write, so a bad `attributes` is refused before anything changes."""
    data = user_data(staff, base_url(request))
    resource = UserResource.model_validate(data, scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    headers = {"ETag": data["meta"]["version"]}
    if status == 201:
        headers["Location"] = data["meta"]["location"]
    return scim_response(
        resource.model_dump(
            scim_ctx=Context.RESOURCE_QUERY_RESPONSE,
            response_parameters=parameters,
        ),
        status=status,
        headers=headers,
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
    parameters = response_parameters(request.GET.dict())
    resource = UserResource.model_validate(
        resource_normalised(body(request)), scim_ctx=Context.RESOURCE_CREATION_REQUEST
    )
    staff = services.scim_user_create(resource=resource)
    return user_response(request, staff, parameters, status=201)


@scim_endpoint("POST", writes_directory=False)
def users_search(request):
    return _search(request, body(request))


@scim_endpoint("GET", "PUT", "PATCH", "DELETE")
def user(request, pk):
    if_match = request.headers.get("If-Match")
    parameters = response_parameters(request.GET.dict())
    if request.method == "GET":
        staff = selectors.scim_user(pk)
        if staff is None:
            raise ScimError(404, selectors.user_not_found(pk))
        return not_modified_or(request, lambda: user_response(request, staff, parameters))
    if request.method == "DELETE":
        services.scim_user_delete(pk=pk, if_match=if_match)
        return HttpResponse(status=204)
    if request.method == "PUT":
        resource = UserResource.model_validate(
            resource_normalised(body(request)), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        staff = services.scim_user_replace(pk=pk, resource=resource, if_match=if_match)
    else:
        patch = PatchOp[UserResource].model_validate(
            patch_normalised(body(request)), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        staff = services.scim_user_patch(
            pk=pk, patch=patch, base=base_url(request), if_match=if_match
        )
    return user_response(request, staff, parameters)


def not_modified_or(request, answer):
    """A GET with `If-None-Match` naming the version it would answer: 304, no body."""
    response = answer()
    wanted = request.headers.get("If-None-Match")
    if wanted and matches(wanted, response["ETag"]):
        not_modified = HttpResponse(status=304)
        not_modified["ETag"] = response["ETag"]
        return not_modified
    return response

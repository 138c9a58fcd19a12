"""`/scim/v2/Groups`: departments and role groups (see `groups`), like `user_views` for Users."""

from django.http import HttpResponse
from scim2_models import Context, Group, ListResponse, PatchOp

from . import groups
from .endpoint import body, scim_endpoint
from .errors import ScimError, scim_response
from .models import ScimGroup
from .normalise import patch_normalised
from .paging import response_parameters, search_parameters
from .user_views import base_url, not_modified_or


def _one(request, group, parameters, status=200):
    """One Group as answered, its version in the `ETag` header too (RFC 7644 §3.14);
    `parameters` read before any write."""
    data = groups.group_data(group, groups.member_ids([group])[group.pk], base_url(request))
    resource = Group.model_validate(data, scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
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
    found = ScimGroup.objects.all()
    if search.filter:
        found = found.filter(groups.groups_q(str(search.filter)))
    total = found.count()
    page = list(found.order_by("pk")[start - 1 : start - 1 + count]) if count else []
    members = groups.member_ids(page)
    return total, [
        Group.model_validate(
            groups.group_data(group, members[group.pk], base_url(request)),
            scim_ctx=Context.RESOURCE_QUERY_RESPONSE,
        )
        for group in page
    ]


def _search(request, source: dict):
    search, start, count = search_parameters(source)
    total, resources = search_page(request, search, start=start, count=count)
    listing = ListResponse[Group](
        total_results=total, start_index=start, items_per_page=len(resources), resources=resources
    )
    return scim_response(
        listing.model_dump(
            scim_ctx=Context.RESOURCE_QUERY_RESPONSE,
            response_parameters=response_parameters(source),
        )
    )


@scim_endpoint("GET", "POST")
def groups_view(request):
    if request.method == "GET":
        return _search(request, request.GET.dict())
    parameters = response_parameters(request.GET.dict())
    resource = Group.model_validate(body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    return _one(request, groups.scim_group_create(resource=resource), parameters, status=201)


@scim_endpoint("POST", writes_directory=False)
def groups_search(request):
    return _search(request, body(request))


@scim_endpoint("GET", "PUT", "PATCH", "DELETE")
def group_view(request, pk):
    group = (
        ScimGroup.objects.select_related("department").filter(pk=int(pk)).first()
        if pk.isdigit() and len(pk) < 19
        else None
    )
    if group is None:
        raise ScimError(404, f"No Group has the id {pk!r} here.")
    if_match = request.headers.get("If-Match")
    parameters = response_parameters(request.GET.dict())
    if request.method == "GET":
        return not_modified_or(request, lambda: _one(request, group, parameters))
    if request.method == "DELETE":
        groups.scim_group_delete(group=group, if_match=if_match)
        return HttpResponse(status=204)
    if request.method == "PUT":
        resource = Group.model_validate(
            body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        group = groups.scim_group_replace(group=group, resource=resource, if_match=if_match)
    else:
        patch = PatchOp[Group].model_validate(
            patch_normalised(body(request)), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        group = groups.scim_group_patch(
            group=group, patch=patch, base=base_url(request), if_match=if_match
        )
    return _one(request, group, parameters)

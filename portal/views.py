"""Views of the portal's own pages. Parse the request, call one selector or service, render."""

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import panels
from .people.models import Staff
from .people.services import staff_link_user
from .tiers.selectors import my_path as my_path_select


@require_GET
@never_cache
def healthz(request):
    """For load balancers: 200 "ok" when the database answers. Public, says nothing else."""
    connection.ensure_connection()
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def my_path(request):
    staff = Staff.objects.select_related("role__target_tier").filter(
        user=request.user
    ).first() or staff_link_user(user=request.user)
    path = my_path_select(staff=staff) if staff is not None else None
    return render(
        request,
        "portal/my_path.html",
        {"path": path, "panels": panels.panels_for(request.user)},
    )

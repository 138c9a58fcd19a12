"""Views of the portal's own pages. Parse the request, call one selector or service, render."""

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import selectors
from .permissions import can_view_reports, require


@require_GET
@never_cache
def healthz(request):
    """For load balancers: 200 "ok" when the database answers. Public, says nothing else."""
    connection.ensure_connection()
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@require(can_view_reports)
def reports(request):
    return render(
        request,
        "portal/reports.html",
        {"signins": selectors.signin_activity()},
    )

"""Views of the portal's own pages. Parse the request, call one selector or service, render."""

from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import panels, readiness
from .people.models import Staff
from .people.services import staff_link_user
from .tiers.selectors import my_path as my_path_select


@require_GET
@never_cache
def healthz(request):
    """Liveness, for load balancers and service managers: 200 "ok" when the database answers.
    Public, says nothing else. Readiness (every shared service) is `readyz`."""
    connection.ensure_connection()
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@never_cache
def readyz(request):
    """For load balancers: 200 when every service a request needs answers, else 503; each part
    named with ok or failed, and nothing else (why is in the log). Public."""
    parts = readiness.readiness()
    failed = [part.name for part in parts if not part.ok]
    lines = [f"not ready: {', '.join(failed)}" if failed else "ready"]
    lines += [f"{part.name}: {'ok' if part.ok else 'failed'}" for part in parts]
    return HttpResponse(
        "\n".join(lines) + "\n", content_type="text/plain", status=503 if failed else 200
    )


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

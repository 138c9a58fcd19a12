"""A person's own data: what the portal keeps, the download, and asking for erasure.

Always the signed-in person's: no view here takes anyone's id, so nobody can ask for someone
else's data. A community manager asks for someone else's erasure in the admin.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ..audit.services import record
from .erasure import ErasureRefused, erasure_request
from .export import exported, person_data_zip
from .holdings import Person
from .selectors import erasure_latest


@require_GET
def my_data(request):
    person = Person.of_user(request.user)
    kinds = sorted((h.export for h in exported()), key=lambda e: e.name)
    return render(
        request,
        "privacy/my_data.html",
        {"kinds": kinds, "erasure": erasure_latest(person=person)},
    )


@require_GET
@never_cache
def my_data_download(request):
    person = Person.of_user(request.user)
    content = person_data_zip(person=person, portal_name=settings.PORTAL_NAME)
    record(actor=request.user, action="data.exported", target=person.staff or request.user)
    response = HttpResponse(content, content_type="application/zip")
    name = f"my-data-{timezone.localdate():%Y-%m-%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def my_data_erase(request):
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to say you understand it cannot be undone.")
        return redirect("my_data")
    try:
        erasure_request(person=Person.of_user(request.user), requested_by=request.user)
    except ErasureRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            "Your request is in. An administrator approves it before anything is erased; "
            "this page shows where it stands.",
        )
    return redirect("my_data")

"""Views of the portal's own pages. Parse the request, call one selector or service, render."""

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
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


class SignInView(LoginView):
    """The one sign-in page, for the site and the Wagtail admin alike.

    A person who is already signed in and is sent here with a `next` page was refused by that
    page (the Wagtail admin does this for people without admin access). Redirecting back would
    loop, so they get the 403 page, which says why.
    """

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if request.GET.get(REDIRECT_FIELD_NAME):
                raise PermissionDenied
            return redirect(settings.LOGIN_REDIRECT_URL)
        return super().dispatch(request, *args, **kwargs)


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

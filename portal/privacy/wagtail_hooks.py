"""Erasure requests in the admin (`admin_views`): the list, a button on each person in the staff
directory, and the dashboard's count of requests waiting for a superuser. Wagtail loads only
top-level `wagtail_hooks` modules, so `portal/wagtail_hooks.py` imports this."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.widgets.button import ListingButton

from .. import admin_todo
from ..people.models import Staff
from ..permissions import can_run_programme
from .admin_views import LIST, erasure_viewset, is_superuser
from .models import ErasureRequest


@hooks.register("register_admin_viewset")
def register_erasure_viewset():
    return erasure_viewset


@hooks.register("register_snippet_listing_buttons")
def erasure_ask_button(snippet, user, next_url=None):
    if isinstance(snippet, Staff) and can_run_programme(user):
        yield ListingButton(
            "Erase their data…",
            reverse("portal_erasures:ask", args=[snippet.pk]),
            icon_name="bin",
            priority=90,
        )


admin_todo.register(
    admin_todo.Todo(
        "erasures_waiting",
        singular="{n} erasure request waits for a superuser",
        plural="{n} erasure requests wait for a superuser",
        count=lambda user: ErasureRequest.objects.filter(
            state=ErasureRequest.State.REQUESTED
        ).count(),
        where=lambda: reverse(LIST),
        order=95,
        visible=is_superuser,
    )
)

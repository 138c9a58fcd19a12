"""The admin screen *Notification defaults*, for the people who run the programme: which
channels each kind of notification takes for people who have not chosen their own, and which
channels this portal is connected to (and what to set where one is not).

Its URL and menu item are registered here and loaded by `wagtail_hooks` (Wagtail reads only
that module of an app). Reads and writes are `defaults.py`'s.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods
from wagtail import hooks

from portal.admin_menu import PermittedMenuItem
from portal.permissions import can_run_programme, require

from . import defaults, kinds

TITLE = "Notification defaults"


@require(can_run_programme)
@require_http_methods(["GET", "POST"])
def notification_defaults(request):
    if request.method == "POST":
        listed = [kind.key for kind in kinds.all_kinds() if not kind.nudge]
        changed = defaults.kind_defaults_save(
            channels_by_kind={key: request.POST.getlist(key) for key in listed}, by=request.user
        )
        if changed:
            messages.success(
                request,
                f"Saved: {changed} kind{'s' if changed != 1 else ''} of message changed. "
                "People who chose their own channels keep them.",
            )
        else:
            messages.info(request, "Nothing changed.")
        return redirect("notifications_defaults")
    return render(
        request,
        "notifications/admin/defaults.html",
        {
            "page_title": TITLE,
            "header_title": TITLE,
            "header_icon": "sliders",
            "rows": defaults.kind_defaults(),
            "channels": defaults.channels_connected(),
            "connections": defaults.connections(),
        },
    )


@hooks.register("register_admin_urls")
def register_defaults_url():
    return [path("notifications/defaults/", notification_defaults, name="notifications_defaults")]


@hooks.register("register_admin_menu_item")
def register_defaults_menu_item():
    return PermittedMenuItem(
        TITLE,
        reverse("notifications_defaults"),
        allowed=can_run_programme,
        name="notification-defaults",
        icon_name="sliders",
        order=908,  # after Messages sent and Nudges
    )

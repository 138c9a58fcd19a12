"""Community managers send a person their sign-in link from the staff directory (Programme →
Staff directory → ⋯ → Send sign-in link): for people without single sign-on who have no
password yet, or forgot it. The email goes from a Celery task once the request commits."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods
from wagtail import hooks
from wagtail.admin.widgets.button import ListingButton

from portal.outbox.dispatch import dispatch
from portal.people.models import Staff
from portal.permissions import can_run_programme, require


@require(can_run_programme)
@require_http_methods(["GET", "POST"])
def sign_in_link_send_view(request, pk):
    staff = get_object_or_404(Staff, pk=pk, active=True)
    if request.method == "POST":
        from portal.tasks import sign_in_link_send

        dispatch(sign_in_link_send, staff_id=staff.pk, request_id=uuid.uuid4().hex)
        messages.success(request, f"A sign-in link is on its way to {staff.email}.")
        return redirect("wagtailsnippets_portal_staff:list")
    return TemplateResponse(
        request,
        "accounts/admin/sign_in_link_send.html",
        {
            "staff": staff,
            "page_title": "Send a sign-in link",
            "header_title": f"Send a sign-in link to {staff.display_name}",
            "header_icon": "mail",
            "link_days": settings.SIGN_IN_LINK_MAX_AGE // (24 * 60 * 60),
        },
    )


@hooks.register("register_admin_urls")
def register_sign_in_link_urls():
    return [
        path(
            "staff/<int:pk>/sign-in-link/",
            sign_in_link_send_view,
            name="portal_staff_sign_in_link",
        )
    ]


@hooks.register("register_snippet_listing_buttons")
def sign_in_link_button(snippet, user, next_url=None):
    if isinstance(snippet, Staff) and snippet.active and can_run_programme(user):
        yield ListingButton(
            "Send sign-in link",
            reverse("portal_staff_sign_in_link", args=[snippet.pk]),
            icon_name="mail",
            priority=50,
        )

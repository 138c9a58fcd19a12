"""The review list of community activity nobody could be matched to, in the Wagtail admin.

Why a person decides: a forum username is not proof of who someone is, so activity that
carries neither a staff email nor a username someone has confirmed is never guessed at. A
community manager assigns it to a person (found by email or employee id), optionally
remembering the username so the next activity matches by itself, or dismisses it. The rules
live in `champions.services.intake`; these views parse, call one service, and render.
"""

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from portal.people.models import Staff
from portal.permissions import can_run_programme, require

from .models import UnmatchedActivity
from .services import intake as services

LIST_LIMIT = 200  # oldest first; the rest show once these are dealt with
TITLE = "Unmatched community activity"


class ResolveForm(forms.Form):
    person = forms.CharField(label="Staff member's email or employee id", max_length=254)
    remember = forms.BooleanField(label="Remember this username for them", required=False)

    def clean_person(self) -> Staff:
        value = self.cleaned_data["person"].strip()
        matches = list(Staff.objects.filter(Q(email__iexact=value) | Q(employee_id=value))[:2])
        if not matches:
            raise ValidationError("No one in the staff directory has that email or employee id.")
        if len(matches) > 1:
            raise ValidationError("That matches two people; give their email instead.")
        return matches[0]


@require(can_run_programme)
@require_GET
def unmatched_list(request):
    return _render_list(request)


@require(can_run_programme)
@require_POST
def unmatched_item(request, pk: int):
    """Assign one waiting activity to a person (`action=assign`), or dismiss it."""
    item = get_object_or_404(UnmatchedActivity, pk=pk)
    if request.POST.get("action") == "dismiss":
        if services.unmatched_dismiss(item=item):
            messages.success(request, f"Dismissed the {item.action} by {_who(item)}.")
        else:
            messages.info(request, "Someone had dealt with that activity already.")
        return redirect("champions_admin_unmatched")
    form = ResolveForm(request.POST, prefix=_prefix(item))
    if form.is_valid():
        staff = form.cleaned_data["person"]
        try:
            resolved = services.unmatched_resolve(
                item=item, staff=staff, remember_username=form.cleaned_data["remember"]
            )
        except services.IntakeError as error:
            messages.error(request, str(error))
        else:
            more = f", with {resolved - 1} more by {item.username}" if resolved > 1 else ""
            messages.success(request, f"Recorded the {item.action} for {staff.display_name}{more}.")
        return redirect("champions_admin_unmatched")
    return _render_list(request, failed=(item.pk, form), status=400)


def _render_list(request, *, failed: tuple[int, ResolveForm] | None = None, status: int = 200):
    waiting = UnmatchedActivity.objects.filter(resolved_at__isnull=True)
    items = list(waiting.order_by("received_at", "pk")[:LIST_LIMIT])
    rows = [
        {
            "item": item,
            "form": failed[1]
            if failed and failed[0] == item.pk
            else ResolveForm(prefix=_prefix(item)),
            # The host is shown, not hidden behind a word: Discourse signs the body but not
            # the X-Discourse-Instance header the address is built from.
            "link": item.url if item.url.startswith(("https://", "http://")) else "",
            "host": urlsplit(item.url).hostname or "",
        }
        for item in items
    ]
    return TemplateResponse(
        request,
        "champions/admin/unmatched.html",
        {
            "page_title": TITLE,
            "header_title": TITLE,
            "header_icon": "user",
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": "Dashboard"},
                {"url": "", "label": TITLE},
            ],
            "rows": rows,
            "total": waiting.count() if len(items) == LIST_LIMIT else len(items),
        },
        status=status,
    )


def _prefix(item: UnmatchedActivity) -> str:
    return f"item-{item.pk}"


def _who(item: UnmatchedActivity) -> str:
    return item.username or item.email or "someone unknown"

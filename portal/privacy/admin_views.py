"""Erasure requests in the Wagtail admin: the list (who asked, who decided, when, what the check
afterwards found), asking for someone's erasure from their directory entry, and approving or
refusing.

Community managers see the list and may ask; only a superuser approves or refuses (the service
says so again, whatever the screen shows). Nobody adds, edits or deletes a request by hand.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_http_methods, require_POST
from django.views.defaults import permission_denied
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from ..people.models import Staff
from ..permissions import RUN_PROGRAMME, can_run_programme, require
from .erasure import ErasureRefused, erasure_approve, erasure_refuse, erasure_request
from .holdings import Person
from .models import ErasureRequest

LIST = "portal_erasures:index"


def may_see_erasures(user) -> bool:
    return can_run_programme(user) or (user.is_authenticated and user.is_superuser)


def is_superuser(user) -> bool:
    return user.is_authenticated and user.is_active and user.is_superuser


class ErasurePolicy(BasePermissionPolicy):
    """Community managers and superusers view; nobody adds, edits or deletes a row by hand."""

    def user_has_permission(self, user, action):
        return action == "view" and may_see_erasures(user)

    def users_with_any_permission(self, actions):
        users = get_user_model().objects.filter(is_active=True)
        if "view" not in actions:
            return users.none()
        from django.contrib.auth.models import Permission

        app, codename = RUN_PROGRAMME.split(".")
        granted = Permission.objects.filter(codename=codename, content_type__app_label=app)
        return users.filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=granted)
            | Q(groups__permissions__in=granted)
        ).distinct()


def person_label(request: ErasureRequest) -> str:
    """Who the request is about: their name until it is done, the pseudonym after."""
    if request.staff is not None:
        return request.staff.display_name
    return request.user.get_username() if request.user is not None else "nobody"


def account_label(user) -> str:
    if user is None:
        return ""
    staff = getattr(user, "staff", None)
    return staff.display_name if staff is not None else user.get_username()


class PersonColumn(Column):
    def get_value(self, instance):
        return person_label(instance)


class AccountColumn(Column):
    def get_value(self, instance):
        return account_label(getattr(instance, self.name))


class LeftoversColumn(Column):
    cell_template_name = "privacy/admin/leftovers_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["item"] = instance
        return context


class DecideColumn(Column):
    """Approve or refuse, for a superuser, while the request waits."""

    cell_template_name = "privacy/admin/decide_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context.update(
            item=instance,
            person=person_label(instance),
            may_decide=request is not None and is_superuser(request.user),
            csrf_token=get_token(request) if request else "",
        )
        return context


class ErasureIndexView(IndexView):
    page_title = "Erasure requests"

    def dispatch(self, request, *args, **kwargs):
        if not may_see_erasures(request.user):  # a 403 in words, not Wagtail's redirect
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        related = ("staff", "user", "requested_by__staff", "decided_by__staff")
        return super().get_base_queryset().select_related(*related)

    @cached_property
    def no_results_message(self):
        return (
            "Nobody has asked for their data to be erased. A person asks on their Your data "
            "page; a community manager asks for someone from the staff directory."
        )


class ErasureRequestViewSet(ModelViewSet):
    model = ErasureRequest
    icon = "bin"
    menu_label = "Erasure requests"
    menu_name = "erasures"
    menu_order = 907  # after the messages sent
    add_to_admin_menu = True  # shown only to people who may view it (the permission policy)
    url_prefix = "programme/erasures"
    permission_policy = ErasurePolicy(ErasureRequest)
    index_view_class = ErasureIndexView
    form_fields = ["state"]  # never shown: nobody may add or edit a request
    list_display = [
        PersonColumn("person", label="Person"),
        Column("get_state_display", label="State", sort_key="state"),
        AccountColumn("requested_by", label="Asked by"),
        DateColumn("requested_at", label="Asked", sort_key="requested_at"),
        AccountColumn("decided_by", label="Decided by"),
        DateColumn("decided_at", label="Decided", sort_key="decided_at"),
        DateColumn("done_at", label="Erased", sort_key="done_at"),
        LeftoversColumn("leftovers", label="Check afterwards"),
        DecideColumn("decide", label="Actions"),
    ]
    ordering = "-requested_at"
    list_per_page = 50

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("ask/<int:staff_pk>/", erasure_ask, name="ask"),
            path("<int:pk>/approve/", erasure_approve_view, name="approve"),
            path("<int:pk>/refuse/", erasure_refuse_view, name="refuse"),
        ]


erasure_viewset = ErasureRequestViewSet("portal_erasures")


@require(can_run_programme)
@require_http_methods(["GET", "POST"])
def erasure_ask(request, staff_pk: int):
    """GET: what erasing this person does, and a button. POST: the request, for a superuser."""
    staff = get_object_or_404(Staff.objects.select_related("user"), pk=staff_pk)
    if request.method == "POST":
        try:
            erasure_request(person=Person.of_staff(staff), requested_by=request.user)
        except ErasureRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request, f"Asked for {staff.display_name}'s data to be erased: a superuser decides."
            )
        return redirect(LIST)
    return TemplateResponse(
        request,
        "privacy/admin/erasure_ask.html",
        {"staff": staff, "page_title": f"Erase {staff.display_name}'s data", "header_icon": "bin"},
    )


@require(is_superuser)
@require_POST
def erasure_approve_view(request, pk: int):
    return _decide(request, pk, erasure_approve, "Approved: the erasure runs now.")


@require(is_superuser)
@require_POST
def erasure_refuse_view(request, pk: int):
    return _decide(request, pk, erasure_refuse, "Refused: nothing is erased.")


def _decide(request, pk: int, decide, done: str):
    try:
        decide(request_id=pk, user=request.user)
    except ErasureRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, done)
    return redirect(reverse(LIST))

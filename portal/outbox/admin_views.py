"""The outbox in the admin: every message the portal owed someone, what became of it, and a
resend for the ones that failed (the admin menu's Messages sent).

For the people who run the programme. The body is never shown: a sign-in or password-reset
link in it would let the reader into someone else's account; recipient, subject, state and
the last error are enough to see what went wrong and to send it again.
"""

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST
from django.views.defaults import permission_denied
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from portal.admin_lists import SafeCsvExportMixin
from portal.permissions import ProgrammePolicy, can_run_programme, require
from portal.redirects import redirect_target

from .models import Message
from .services import message_resend

LIST = "portal_outbox:index"


class MessageFilterSet(WagtailFilterSet):
    state = django_filters.ChoiceFilter(
        label="State", choices=Message.State.choices, empty_label="Any state"
    )
    kind = django_filters.ChoiceFilter(label="Kind", choices=[], empty_label="Any kind")
    created_at = django_filters.DateFromToRangeFilter(label="Queued", widget=DateRangePickerWidget)

    class Meta:
        model = Message
        fields = ["state", "kind", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = Message.objects.order_by("kind").values_list("kind", flat=True).distinct()
        self.filters["kind"].extra["choices"] = [(k, k) for k in kinds]


class ResendColumn(Column):
    cell_template_name = "outbox/admin/resend_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        from django.middleware.csrf import get_token

        context = super().get_cell_context_data(instance, parent_context)
        context.update(message=instance, csrf_token=get_token(context["request"]))
        return context


class MessageIndexView(SafeCsvExportMixin, IndexView):
    page_title = "Messages sent"

    def dispatch(self, request, *args, **kwargs):
        if not can_run_programme(request.user):  # a 403 in words, not Wagtail's redirect
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    def order_queryset(self, queryset):
        return queryset.order_by(self.ordering, "-pk")

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return "No message matches these filters."
        return "The portal has not sent anything yet."


class MessageViewSet(ModelViewSet):
    model = Message
    icon = "mail"
    menu_label = "Messages sent"
    menu_name = "outbox"
    menu_order = 906  # after the rollout waves
    add_to_admin_menu = True  # shown only to people who may view it (the permission policy)
    url_prefix = "programme/messages"
    permission_policy = ProgrammePolicy(Message)  # view only: nobody adds or edits one
    index_view_class = MessageIndexView
    filterset_class = MessageFilterSet
    form_fields = ["to"]  # never shown: nobody may add or edit a message
    list_display = [
        Column("to", label="Recipient", sort_key="to"),
        Column("subject", label="Subject"),
        Column("kind", label="Kind", sort_key="kind"),
        Column("get_state_display", label="State", sort_key="state"),
        Column("attempts", label="Attempts", sort_key="attempts"),
        DateColumn("created_at", label="Queued", sort_key="created_at"),
        DateColumn("sent_at", label="Sent", sort_key="sent_at"),
        Column("last_error", label="Last error"),
        ResendColumn("resend", label="Actions"),
    ]
    search_fields = ["to", "subject"]
    search_backend_name = None
    ordering = "-created_at"
    list_per_page = 50
    list_export = ["to", "subject", "kind", "state", "attempts", "created_at", "sent_at"]
    export_filename = "messages-sent"


message_viewset = MessageViewSet("portal_outbox")


@require(can_run_programme)
@require_POST
def message_resend_view(request, pk):
    message = get_object_or_404(Message, pk=pk)
    if message_resend(message=message):
        messages.success(request, f"“{message.subject}” to {message.to} goes again now.")
    else:
        messages.warning(request, "Only a failed message can be sent again; this one was not.")
    return redirect(redirect_target(request, reverse(LIST), field="back", within=reverse(LIST)))

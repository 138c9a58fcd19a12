"""Every nomination, in the Wagtail admin: a snippet viewset (filters, search, sorting, pages,
CSV and XLSX export with every reason).

The review queue ranks people by score and shows their nominations; this list is the other
way in, for the question "who has been put forward, by how many colleagues, and what became of
it", including people under the score cutoff. Each row leads to the person's champion record,
where the reasons are read and the decision is made (`champions.views.person`). Nobody adds,
edits or deletes a nomination here: staff make them on the portal.
"""

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Case, CharField, Count, OuterRef, Subquery, Value, When
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.defaults import permission_denied
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, DateColumn, TitleColumn
from wagtail.coreutils import multigetattr
from wagtail.snippets.views.snippets import SnippetViewSet

from portal.admin_lists import SafeExportIndexView
from portal.people.models import Department
from portal.permissions import can_run_programme

from .admin_views import ProgrammeViewOnly
from .models import Champion, Nomination, NominationReason

NOT_DECIDED = "undecided"


class NominationFilterSet(WagtailFilterSet):
    decision = django_filters.ChoiceFilter(
        label="In the programme",
        choices=[(NOT_DECIDED, "Not decided yet"), *Champion.Status.choices],
        empty_label="Any",
        method="filter_decision",
    )
    endorsed = django_filters.BooleanFilter(
        label="Endorsed by their manager",
        field_name="endorsed_at",
        lookup_expr="isnull",
        exclude=True,
        widget=forms.Select(choices=[("", "Either"), ("true", "Endorsed"), ("false", "Not yet")]),
    )
    department = django_filters.ModelChoiceFilter(
        label="Department",
        field_name="nominee__department",
        queryset=Department.objects.order_by("name"),
        empty_label="Any",
    )
    created_at = django_filters.DateFromToRangeFilter(
        label="First nominated", widget=DateRangePickerWidget
    )

    class Meta:
        model = Nomination
        fields = ["decision", "endorsed", "department", "created_at"]

    def filter_decision(self, queryset, name, value):
        if value == NOT_DECIDED:
            return queryset.filter(nominee__champion__isnull=True)
        return queryset.filter(nominee__champion__status=value)


class NominationIndexView(SafeExportIndexView):
    """The listing without bulk-action checkboxes (there is no bulk action), and a 403 in words
    for anyone who does not run the programme (Wagtail's own refusal redirects)."""

    def dispatch(self, request, *args, **kwargs):
        if not can_run_programme(request.user):
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def columns(self):
        return [c for c in super().columns if not isinstance(c, BulkActionsCheckboxColumn)]

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return "No nomination matches these filters."
        return "Nobody has been nominated yet. Staff nominate colleagues from the portal."

    def get_base_queryset(self):
        latest = NominationReason.objects.filter(nomination=OuterRef("pk")).order_by(
            "-created_at", "-pk"
        )
        return (
            super()
            .get_base_queryset()
            .select_related("nominee__department", "nominee__champion", "endorsed_by")
            .prefetch_related("reasons__nominator")
            .annotate(
                colleagues=Count("reasons", distinct=True),
                latest_reason=Subquery(latest.values("reason")[:1]),
                decision=Case(
                    *(
                        When(nominee__champion__status=value, then=Value(label))
                        for value, label in Champion.Status.choices
                    ),
                    default=Value("Not decided yet"),
                    output_field=CharField(),
                ),
            )
        )

    def to_row_dict(self, item):
        """The export carries every reason, each with who gave it (prefetched)."""
        reasons = sorted(item.reasons.all(), key=lambda r: (r.created_at, r.pk))
        given = "\n".join(f"{r.nominator}: {r.reason}" for r in reasons)
        return {
            field: given if field == "reasons_given" else multigetattr(item, field)
            for field in self.list_export
        }


class NomineeColumn(TitleColumn):
    """The person, linking to their champion record (reasons, score, decision)."""

    def get_link_url(self, instance, parent_context):
        return reverse("champions_person", args=[instance.nominee_id])


class NominationViewSet(SnippetViewSet):
    model = Nomination
    icon = "pick"
    menu_label = "Nominations"
    menu_name = "nominations"
    menu_order = 905
    add_to_admin_menu = True
    url_prefix = "champions/nominations"
    admin_url_namespace = "champions_nominations"
    permission_policy = ProgrammeViewOnly(Nomination)
    index_view_class = NominationIndexView
    filterset_class = NominationFilterSet
    list_display = [
        NomineeColumn("nominee", label="Nominated", sort_key="nominee__display_name"),
        Column("nominee.department", label="Department"),
        Column("colleagues", label="Colleagues", sort_key="colleagues"),
        Column("latest_reason", label="Latest reason"),
        DateColumn("created_at", label="First nominated", sort_key="created_at"),
        Column("endorsed_by", label="Endorsed by"),
        Column("decision", label="In the programme"),
    ]
    search_fields = ["nominee__display_name", "nominee__email", "reasons__reason"]
    search_backend_name = None
    ordering = ["-created_at", "-pk"]  # the newest first
    list_per_page = 50
    list_export = [
        "nominee",
        "nominee.email",
        "nominee.department",
        "colleagues",
        "reasons_given",
        "created_at",
        "endorsed_by",
        "decision",
    ]
    export_headings = {
        "nominee": "Nominated",
        "nominee.email": "Email",
        "nominee.department": "Department",
        "colleagues": "Colleagues who nominated them",
        "reasons_given": "Reasons",
        "created_at": "First nominated",
        "endorsed_by": "Endorsed by",
        "decision": "In the programme",
    }
    export_filename = "champion-nominations"

"""The rollout's screens in the Wagtail admin: the waves (a model viewset: list, add, edit a
wave with its rules as an inline panel), one wave's page, and its actions.

Community managers plan waves (who is in each, by rules, a list or a suggestion), start them
(which sends the invitations), and read how each wave is doing. Every view checks the
permission itself; the menu item only hides the way in. Each POST calls one service, says
what happened in a message and redirects, so a reload never repeats it.
"""

import django_filters
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.log_actions import log

from ..admin_lists import SafeCsvExportMixin
from ..people.models import Staff
from ..permissions import ProgrammePolicy, can_run_programme, require
from ..reports.tables import display_rows
from .admin_choosers import ProgrammeOnly, department_chooser, location_chooser, role_chooser
from .forms import ListUploadForm, MoveForm
from .models import Wave, WaveMember
from .selectors import pulse_comments, pulse_results, wave_funnel, wave_invitees
from .services import (
    RULES_MAX,
    AddResult,
    RolloutError,
    wave_member_add,
    wave_member_move,
    wave_members_add_by_rules,
    wave_members_add_from_list,
    wave_save,
    wave_start,
)
from .suggestions import first_movers_suggested

MEMBERS_SHOWN = 200
SUGGESTIONS_SHOWN = 10
TITLE = "Rollout waves"
M = WaveMember.Status


def _context(title: str, *crumbs: tuple[str, str], **extra) -> dict:
    return {
        "page_title": title,
        "header_title": title,
        "header_icon": "group",
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": "Dashboard"},
            *({"url": url, "label": label} for url, label in crumbs),
        ],
        **extra,
    }


# The list of waves: a model viewset (filters, search, sorting, pages, export)


class WavesPolicy(ProgrammePolicy):
    """People who run the programme see, add and edit waves; nobody deletes one here (its
    invitations and pulse answers hang on it)."""

    ALLOWED = frozenset({"view", "add", "change"})


class WaveFilterSet(WagtailFilterSet):
    started = django_filters.BooleanFilter(
        label="Started", method="filter_started", widget=BooleanRadioSelect
    )
    starts_on = django_filters.DateFromToRangeFilter(
        label="Planned start", widget=DateRangePickerWidget
    )

    class Meta:
        model = Wave
        fields = ["started", "open_to_volunteers", "starts_on"]

    def filter_started(self, queryset, name, value):
        return queryset if value is None else queryset.filter(started_at__isnull=not value)


class WaveIndexView(ProgrammeOnly, SafeCsvExportMixin, IndexView):
    """The waves, earliest planned first, with their counts in one query. The name leads to
    the wave's own page; "Add a wave" to the form that saves a wave with its rules."""

    page_title = TITLE
    add_item_label = "Add a wave"

    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .annotate(
                member_count=Count("members", filter=Q(members__status=M.MEMBER), distinct=True),
                waitlisted_count=Count(
                    "members", filter=Q(members__status=M.WAITLISTED), distinct=True
                ),
                invitations_sent=Count(
                    "invitations", filter=Q(invitations__sent_at__isnull=False), distinct=True
                ),
            )
        )

    def get_edit_url(self, instance):
        return reverse("rollout_wave_detail", args=[instance.pk])

    @cached_property
    def no_results_message(self):
        if self.is_searching or self.is_filtering:
            return "No wave matches these filters."
        return "No waves yet. Add the first one: a small, voluntary pilot is a good start."


def _started(wave: Wave) -> str:
    return (
        date_format(timezone.localtime(wave.started_at), "j M Y H:i")
        if wave.started_at
        else "Not yet"
    )


class WaveSaveMixin(ProgrammeOnly):
    """Wagtail's form for a wave and its rules, saved by `wave_save` (the one write path, whose
    refusals come back as errors on the form), then the wave's own page."""

    submit_button_label = "Save the wave"
    submit_button_active_label = "Saving…"

    def save_instance(self):
        wave = self.form.save(commit=False)  # the rules stay in memory, on the cluster
        rules = [
            {"department": r.department_id, "role": r.role_id, "location": r.location_id}
            for r in wave.rules.all()
        ]
        wave = wave_save(wave=wave, rules=rules)
        log(instance=wave, action=self.log_action, content_changed=True)
        return wave

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except RolloutError as refusal:
            formset = form.formsets.get("rules") if refusal.field == "rules" else None
            if formset is not None:
                formset._non_form_errors = formset.error_class([str(refusal)])
            else:
                form.add_error(None, str(refusal))
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def get_success_message(self, instance=None):  # CreateView passes it, EditView does not
        return f"Saved “{self.object.name}”."

    def get_success_buttons(self):
        return []

    def get_success_url(self):
        return reverse("rollout_wave_detail", args=[self.object.pk])


class WaveCreateView(WaveSaveMixin, CreateView):
    page_title = "Add a wave"
    log_action = "wagtail.create"

    def get_page_subtitle(self):
        return ""

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": "Dashboard"},
            {"url": reverse("rollout:index"), "label": TITLE},
            {"url": "", "label": "Add a wave"},
        ]


class WaveEditView(WaveSaveMixin, EditView):
    log_action = "wagtail.edit"

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": "Dashboard"},
            {"url": reverse("rollout:index"), "label": TITLE},
            {"url": reverse("rollout_wave_detail", args=[self.object.pk]), "label": self.object},
            {"url": "", "label": "Edit"},
        ]


class WaveDeleteView(ProgrammeOnly, DeleteView):
    """Refused to everyone by the policy; to those outside the programme, in words."""


class WaveHistoryView(ProgrammeOnly, HistoryView):
    pass


class WaveUsageView(ProgrammeOnly, UsageView):
    pass


RULE_PANELS = [
    FieldRowPanel(
        [
            FieldPanel("department", widget=department_chooser.widget_class),
            FieldPanel("role", widget=role_chooser.widget_class),
            FieldPanel("location", widget=location_chooser.widget_class),
        ]
    )
]


class WaveViewSet(ModelViewSet):
    model = Wave
    icon = "group"
    menu_label = TITLE
    menu_name = "rollout-waves"
    menu_order = 905
    add_to_admin_menu = True
    url_prefix = "rollout"
    permission_policy = WavesPolicy(Wave)
    index_view_class = WaveIndexView
    add_view_class = WaveCreateView
    edit_view_class = WaveEditView
    delete_view_class = WaveDeleteView
    history_view_class = WaveHistoryView
    usage_view_class = WaveUsageView
    copy_view_enabled = False  # a copy would be saved around `wave_save`
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("starts_on", heading="Planned start"), FieldPanel("size_limit")]),
        FieldPanel("open_to_volunteers"),
        FieldPanel("sponsor_name"),
        FieldPanel("sponsor_message"),
        InlinePanel(
            "rules",
            heading="Who is in it",
            label="Rule",
            help_text="Everyone active who matches one of these rules is added when you press "
            "“Add everyone matching the rules” on the wave's page. Within a rule, every field "
            "you choose must match; a field left empty matches anyone.",
            panels=RULE_PANELS,
            max_num=RULES_MAX,
        ),
    ]
    filterset_class = WaveFilterSet
    list_display = [
        "name",
        Column("starts_on", label="Planned start", sort_key="starts_on"),
        Column("started", label="Started", accessor=_started, sort_key="started_at"),
        Column("member_count", label="Members", sort_key="member_count"),
        Column("waitlisted_count", label="Waitlisted"),
        Column("invitations_sent", label="Invitations sent"),
        BooleanColumn("open_to_volunteers", label="Open to volunteers"),
    ]
    search_fields = ["name", "sponsor_name"]
    search_backend_name = None
    ordering = ["starts_on", "pk"]
    list_per_page = 50
    list_export = [
        "name",
        "starts_on",
        "started_at",
        "size_limit",
        "open_to_volunteers",
        "member_count",
        "waitlisted_count",
        "invitations_sent",
        "sponsor_name",
    ]
    export_headings = {
        "starts_on": "Planned start",
        "started_at": "Started",
        "member_count": "Members",
        "waitlisted_count": "Waitlisted",
        "invitations_sent": "Invitations sent",
    }
    export_filename = "rollout-waves"


@require(can_run_programme)
@require_GET
def wave_detail(request, pk: int):
    return _render_detail(request, get_object_or_404(Wave, pk=pk))


def _render_detail(
    request, wave: Wave, *, upload_form=None, list_errors=(), move_form=None, status=200
):
    members = wave.members.select_related("staff__department").order_by("staff__display_name", "pk")
    counts = wave.members.aggregate(
        total=Count("pk"),
        members=Count("pk", filter=Q(status=M.MEMBER)),
        waitlisted=Count("pk", filter=Q(status=M.WAITLISTED)),
    )
    funnel = wave_funnel(wave=wave)
    pulse = [pulse_results(by="wave"), pulse_results(by="department")]
    return TemplateResponse(
        request,
        "rollout/admin/wave_detail.html",
        _context(
            wave.name,
            (reverse("rollout:index"), TITLE),
            ("", wave.name),
            wave=wave,
            rules=list(wave.rules.select_related("department", "role", "location")),
            members=list(members[:MEMBERS_SHOWN]),
            counts=counts,
            members_shown=MEMBERS_SHOWN,
            upload_form=upload_form or ListUploadForm(),
            move_form=move_form or MoveForm(),
            list_errors=list_errors,
            suggestions=first_movers_suggested(wave=wave, limit=SUGGESTIONS_SHOWN),
            funnel={"table": funnel, "rows": display_rows(funnel)},
            pulse=[{"table": t, "rows": display_rows(t)} for t in pulse],
            comments=pulse_comments(),
        ),
        status=status,
    )


@require(can_run_programme)
@require_POST
def wave_add_by_rules(request, pk: int):
    wave = get_object_or_404(Wave, pk=pk)
    if not wave.rules.exists():
        messages.error(request, "This wave has no rules yet: edit the wave to add some.")
        return redirect("rollout_wave_detail", pk=wave.pk)
    result = wave_members_add_by_rules(wave=wave)
    if result.added:
        messages.success(
            request, f"Added {_people(result.added)} matching the rules{_left(result)}."
        )
    elif result.elsewhere:
        messages.info(
            request,
            f"Nobody new was added: {_people(result.elsewhere)} matching the rules "
            f"{'is' if result.elsewhere == 1 else 'are'} already in another wave and "
            f"{'was' if result.elsewhere == 1 else 'were'} left where they are.",
        )
    else:
        messages.info(request, "Everyone matching the rules is in the wave already.")
    return redirect("rollout_wave_detail", pk=wave.pk)


@require(can_run_programme)
@require_POST
def wave_add_from_list(request, pk: int):
    wave = get_object_or_404(Wave, pk=pk)
    form = ListUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Nobody was added: choose a file to upload.")
        return _render_detail(request, wave, upload_form=form, status=400)
    result = wave_members_add_from_list(wave=wave, data=form.cleaned_data["file"].read())
    if result.errors:
        messages.error(
            request,
            f"Nobody was added: {len(result.errors)} line{'s' if len(result.errors) > 1 else ''}"
            " of the list need fixing (see below). Fix the file and upload it again.",
        )
        return _render_detail(
            request, wave, upload_form=form, list_errors=result.errors, status=400
        )
    already = f"; {_people(result.already)} were in it already" if result.already else ""
    messages.success(
        request,
        f"Added {_people(result.added)} from the list{already}{_left(result, named=True)}.",
    )
    return redirect("rollout_wave_detail", pk=wave.pk)


@require(can_run_programme)
@require_POST
def wave_add_member(request, pk: int):
    """One click on a suggested first mover."""
    wave = get_object_or_404(Wave, pk=pk)
    staff = get_object_or_404(Staff, pk=_int(request.POST.get("staff")) or 0, active=True)
    result = wave_member_add(wave=wave, staff=staff, source=WaveMember.Source.SUGGESTED)
    if result.added:
        messages.success(request, f"Added {staff.display_name} to “{wave.name}”.")
    elif result.elsewhere:
        (_, other), *_ = result.elsewhere_named
        messages.info(
            request,
            f"{staff.display_name} is in “{other}” already and was left there; move them "
            "here under “Move someone into this wave” if that is what you want.",
        )
    else:
        messages.info(request, f"{staff.display_name} is in “{wave.name}” already.")
    return redirect("rollout_wave_detail", pk=wave.pk)


@require(can_run_programme)
@require_POST
def wave_move_member(request, pk: int):
    """Move one person into this wave on purpose, from the wave they are in."""
    wave = get_object_or_404(Wave, pk=pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nobody was moved: correct the field marked below.")
        return _render_detail(request, wave, move_form=form, status=400)
    staff = form.cleaned_data["person"]
    try:
        wave_member_move(staff=staff, to=wave)
    except RolloutError as refusal:
        form.add_error("person", str(refusal))
        messages.error(request, f"{staff.display_name} was not moved.")
        return _render_detail(request, wave, move_form=form, status=409)
    messages.success(request, f"Moved {staff.display_name} into “{wave.name}”.")
    return redirect("rollout_wave_detail", pk=wave.pk)


@require(can_run_programme)
@require_http_methods(["GET", "POST"])
def wave_start_confirm(request, pk: int):
    """GET: what starting will do, and a button. POST: start it and send the invitations."""
    wave = get_object_or_404(Wave, pk=pk)
    if request.method == "POST":
        try:
            queued = wave_start(wave=wave)
        except RolloutError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Invitations are on their way to {_people(queued)}.")
        return redirect("rollout_wave_detail", pk=wave.pk)
    if wave.started_at is not None:
        messages.error(request, f"“{wave.name}” has already started.")
        return redirect("rollout_wave_detail", pk=wave.pk)
    to_invite = wave_invitees(wave=wave).count()
    return TemplateResponse(
        request,
        "rollout/admin/wave_start.html",
        _context(
            f"Start “{wave.name}”",
            (reverse("rollout:index"), TITLE),
            (reverse("rollout_wave_detail", args=[wave.pk]), wave.name),
            ("", "Start"),
            wave=wave,
            to_invite=to_invite,
        ),
    )


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def _left(result: AddResult, *, named: bool = False) -> str:
    """ "; 12 already in another wave were left where they are" (and who, for a list)."""
    n = result.elsewhere
    if not n:
        return ""
    text = f"; {n} already in another wave {'was' if n == 1 else 'were'} left where they are"
    if named:
        shown = ", ".join(f"{name} (“{wave}”)" for name, wave in result.elsewhere_named)
        more = n - len(result.elsewhere_named)
        text += f": {shown}" + (f" and {more} more" if more > 0 else "")
    return text


def _int(value) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= 12 else None

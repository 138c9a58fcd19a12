"""The rollout's screens in the Wagtail admin: the waves, one wave's page, and its actions.

Community managers plan waves (who is in each, by rules, a list or a suggestion), start them
(which sends the invitations), and read how each wave is doing. Every view checks the
permission itself; the menu item only hides the way in. Each POST calls one service, says
what happened in a message and redirects, so a reload never repeats it.
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..people.models import Staff
from ..permissions import can_run_programme, require
from ..reports.tables import display_rows
from .forms import ListUploadForm, WaveForm, rule_formset
from .models import Wave, WaveMember
from .selectors import pulse_comments, pulse_results, wave_funnel
from .services import (
    RolloutError,
    wave_member_add,
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


@require(can_run_programme)
@require_GET
def wave_list(request):
    waves = Wave.objects.annotate(
        member_count=Count("members", filter=Q(members__status=M.MEMBER), distinct=True),
        waitlisted_count=Count("members", filter=Q(members__status=M.WAITLISTED), distinct=True),
        invitations_sent=Count(
            "invitations", filter=Q(invitations__sent_at__isnull=False), distinct=True
        ),
    ).order_by("starts_on", "pk")
    return TemplateResponse(
        request,
        "rollout/admin/wave_list.html",
        _context(TITLE, ("", TITLE), waves=list(waves)),
    )


@require(can_run_programme)
@require_http_methods(["GET", "POST"])
def wave_create(request):
    return _wave_form(request, wave=None)


@require(can_run_programme)
@require_http_methods(["GET", "POST"])
def wave_edit(request, pk: int):
    return _wave_form(request, wave=get_object_or_404(Wave, pk=pk))


def _wave_form(request, *, wave: Wave | None):
    if request.method == "POST":
        form = WaveForm(request.POST, instance=wave)
        rules = rule_formset(data=request.POST)
        if form.is_valid() and rules.is_valid():
            saved = wave_save(wave=form.save(commit=False), rules=rules.rules())
            messages.success(request, f"Saved “{saved.name}”.")
            return redirect("rollout_wave_detail", pk=saved.pk)
        messages.error(request, "The wave was not saved: correct the fields marked below.")
        status = 400
    else:
        form = WaveForm(instance=wave)
        rules = rule_formset(wave=wave)
        status = 200
    title = f"Edit “{wave.name}”" if wave else "Add a wave"
    crumbs = [(reverse("rollout_wave_list"), TITLE)]
    if wave:
        crumbs.append((reverse("rollout_wave_detail", args=[wave.pk]), wave.name))
    crumbs.append(("", "Edit" if wave else "Add a wave"))
    return TemplateResponse(
        request,
        "rollout/admin/wave_form.html",
        _context(title, *crumbs, form=form, rules=rules, wave=wave),
        status=status,
    )


@require(can_run_programme)
@require_GET
def wave_detail(request, pk: int):
    return _render_detail(request, get_object_or_404(Wave, pk=pk))


def _render_detail(request, wave: Wave, *, upload_form=None, list_errors=(), status=200):
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
            (reverse("rollout_wave_list"), TITLE),
            ("", wave.name),
            wave=wave,
            rules=list(wave.rules.select_related("department", "role", "location")),
            members=list(members[:MEMBERS_SHOWN]),
            counts=counts,
            members_shown=MEMBERS_SHOWN,
            upload_form=upload_form or ListUploadForm(),
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
    added = wave_members_add_by_rules(wave=wave)
    if added:
        messages.success(request, f"Added {_people(added)} matching the rules.")
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
    messages.success(request, f"Added {_people(result.added)} from the list{already}.")
    return redirect("rollout_wave_detail", pk=wave.pk)


@require(can_run_programme)
@require_POST
def wave_add_member(request, pk: int):
    """One click on a suggested first mover."""
    wave = get_object_or_404(Wave, pk=pk)
    staff = get_object_or_404(Staff, pk=request.POST.get("staff", "0") or 0, active=True)
    if wave_member_add(wave=wave, staff=staff, source=WaveMember.Source.SUGGESTED):
        messages.success(request, f"Added {staff.display_name} to “{wave.name}”.")
    else:
        messages.info(request, f"{staff.display_name} is in “{wave.name}” already.")
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
    to_invite = wave.members.filter(status=M.MEMBER, staff__active=True).count()
    return TemplateResponse(
        request,
        "rollout/admin/wave_start.html",
        _context(
            f"Start “{wave.name}”",
            (reverse("rollout_wave_list"), TITLE),
            (reverse("rollout_wave_detail", args=[wave.pk]), wave.name),
            ("", "Start"),
            wave=wave,
            to_invite=to_invite,
        ),
    )


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"

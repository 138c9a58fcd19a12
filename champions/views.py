"""The champion programme as people use it: the directory, nominating, answering an invitation,
a champion's profile; and, for community managers, the review queue; for leaders too, coverage
and the champion report (HTML and PDF).

Each view parses the request, calls one service or selector, renders. htmx requests get a named
partial of the same template; every form also works as a plain post and redirect.
"""

from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.pdf import pdf_from_template
from portal.people.models import Department, Location, Staff
from portal.people.services import NOT_IN_DIRECTORY
from portal.people.services import staff_of_request as _staff
from portal.permissions import can_run_programme, can_view_reports, require
from portal.redirects import redirect_target

from . import selectors
from .models import Champion, Nomination, ScoreSettings
from .services.nominations import (
    NominationAlreadyMade,
    NominationError,
    nomination_create,
    nomination_endorse,
)
from .services.programme import (
    ProgrammeError,
    champion_decide,
    champion_profile_update,
    champion_respond,
)


def _reports_or_programme(user) -> bool:
    return can_view_reports(user) or can_run_programme(user)


def _int(value) -> int | None:
    """A whole number from a query string, or None (also for 5,000 digits: no server error)."""
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) <= 12 else None


@require_GET
def directory(request):
    """Find the champions for a department, a location or a focus area."""
    me = _staff(request)
    chosen = {
        "department": _int(request.GET.get("department"))
        if "department" in request.GET
        else (me.department_id if me else None),
        "location": _int(request.GET.get("location")),
        "focus": request.GET.get("focus", "").strip()[:60],
    }
    found = selectors.directory(
        department_id=chosen["department"],
        location_id=chosen["location"],
        focus=chosen["focus"],
    )
    template = "champions/directory.html#results" if request.htmx else "champions/directory.html"
    response = TemplateResponse(
        request,
        template,
        {
            **found,
            "chosen": chosen,
            "departments": Department.objects.order_by("name"),
            "locations": Location.objects.order_by("name"),
            "me": me,
        },
    )
    response["Vary"] = "HX-Request"
    return response


@require_http_methods(["GET", "POST"])
def nominate(request):
    """The nomination form and your own nominations. A nomination made answers the form's
    place with thanks (htmx) or the page with it (a plain post, redirected); nominating the
    same person again records nothing and answers 409 with when you did; what was typed stays
    in the form whenever it is refused."""
    me = _staff(request)
    values = {"search": request.POST.get("search", ""), "reason": request.POST.get("reason", "")}
    error, invalid, notice, status, kept, made = "", "", "", 200, [], None
    if request.method == "POST":
        # A colleague picked from the matches, or an email typed in full (without JavaScript).
        nominee = _person(request.POST.get("nominee") or values["search"])
        if me is None:
            error = NOT_IN_DIRECTORY
        elif nominee is None:
            error = "Choose a colleague from the list, or type their work email exactly."
            invalid = "nominee"
        else:
            kept = [nominee]  # shown again, ticked, if the nomination is refused
            try:
                nomination_create(nominator=me, nominee=nominee, reason=values["reason"])
            except NominationAlreadyMade as already:
                notice, status = str(already), 409
            except NominationError as refusal:
                error, invalid = str(refusal), refusal.field
            else:
                if not request.htmx:
                    url = reverse("champions_nominate")
                    return redirect(f"{url}?nominated={nominee.pk}#nominate-form")
                made = nominee.pk
        if error:
            status = 400
    mine = selectors.nominations_made_by(nominator=me) if me is not None else []
    if made is None and request.method == "GET":
        made = _int(request.GET.get("nominated"))
    done = next((n for n in mine if n.nominee.pk == made), None) if made else None
    htmx_post = request.htmx and request.method == "POST"
    response = TemplateResponse(
        request,
        "champions/nominate.html#answer" if htmx_post else "champions/nominate.html",
        {
            "values": values,
            "error": error,
            "invalid": invalid,
            "notice": notice,
            "people": kept,
            "chosen": kept[0].pk if kept else None,
            "done": done,
            "mine": mine,
            "me": me,
        },
        status=status,
    )
    response["Vary"] = "HX-Request"
    return response


def _person(text: str) -> Staff | None:
    text = text.replace("\x00", "").strip()  # PostgreSQL refuses NUL in a query
    if not text:
        return None
    people = Staff.objects.filter(active=True)
    if text.isdigit():
        return people.filter(pk=_int(text)).first() if _int(text) else None
    return people.filter(email__iexact=text).first()


@require_GET
def people_search(request):
    """Colleagues matching what was typed, for the nomination form (htmx)."""
    query = request.GET.get("search", "").strip()[:60]
    people = []
    if len(query) >= 2:
        people = list(
            Staff.objects.filter(active=True)
            .filter(Q(display_name__icontains=query) | Q(email__istartswith=query))
            .select_related("department")
            .order_by("display_name")[:8]
        )
    # The colleague already picked stays picked when the list is redrawn for more typing.
    chosen = _int(request.GET.get("nominee"))
    return TemplateResponse(
        request,
        "champions/nominate.html#matches",
        {"people": people, "query": query, "chosen": chosen},
    )


@require_http_methods(["GET", "POST"])
def me(request):
    """Your invitation, your profile, and (for managers) nominations of people you manage."""
    staff = _staff(request)
    if staff is None:
        return TemplateResponse(request, "champions/me.html", {"not_in_directory": True})
    champion = Champion.objects.filter(staff=staff).first()
    if request.method == "POST":
        try:
            if request.POST.get("action") in ("accept", "decline"):
                champion = champion_respond(staff=staff, accept=request.POST["action"] == "accept")
                messages.success(
                    request,
                    "Welcome to the champions!"
                    if champion.status == Champion.Status.ACTIVE
                    else "Thank you for letting us know.",
                )
            elif request.POST.get("action") == "profile":
                champion_profile_update(
                    staff=staff,
                    public=request.POST.get("public") == "on",
                    focus_areas=request.POST.get("focus_areas", ""),
                    bio=request.POST.get("bio", ""),
                )
                messages.success(request, "Your profile is saved.")
        except ProgrammeError as refusal:
            messages.error(request, str(refusal))
        return redirect("champions_me")
    reports_nominated = list(
        Nomination.objects.filter(nominee__manager=staff, nominee__active=True)
        .select_related("nominee", "endorsed_by")
        .prefetch_related("reasons__nominator")
    )
    return TemplateResponse(
        request,
        "champions/me.html",
        {"champion": champion, "staff": staff, "reports_nominated": reports_nominated},
    )


@require_POST
def endorse(request, pk: int):
    staff = _staff(request)
    nomination = get_object_or_404(Nomination, pk=pk)
    allowed = can_run_programme(request.user)
    if staff is None or not (allowed or nomination.nominee.manager_id == staff.pk):
        raise Http404("No nomination of yours to endorse.")
    try:
        nomination_endorse(nomination=nomination, endorser=staff, allowed=allowed)
        messages.success(request, f"You endorsed {nomination.nominee.display_name}.")
    except NominationError as refusal:
        messages.error(request, str(refusal))
    return redirect(redirect_target(request, reverse("champions_me")))


@require_GET
@require(can_run_programme)
def review(request):
    """The review queue (people at or above the cutoff, best first) or, with `show=nominated`,
    every nomination with its reasons, whatever the score (`stage`, `q` and `page` narrow it)."""
    if request.GET.get("show") == "nominated":
        context = {
            "showing": "nominated",
            "nominated": selectors.nominations_for_review(
                show=request.GET.get("stage", selectors.OPEN),
                search=request.GET.get("q", ""),
                page=_int(request.GET.get("page")) or 1,
            ),
        }
    else:
        context = {
            "showing": "queue",
            "candidates": selectors.champion_candidates(),
            "active": selectors.champions_active(),
        }
    context["waiting"] = selectors.nominations_waiting_count()
    return TemplateResponse(request, "champions/review.html", context)


@require_GET
@require(can_run_programme)
def person(request, staff_id: int):
    """One person's record for reviewers: status and decisions, every nomination reason, the
    score term by term, their tier against the minimum to be invited, and the decisions."""
    staff = get_object_or_404(Staff.objects.select_related("department", "role"), pk=staff_id)
    return _person_page(request, staff)


def _person_page(request, staff: Staff, *, error: str = "", status: int = 200, reason: str = ""):
    return TemplateResponse(
        request,
        "champions/person.html",
        {
            "record": selectors.person_record(staff=staff),
            "error": error,
            "reason": reason,
            "next": _next(request, staff),
        },
        status=status,
    )


def _next(request, staff: Staff) -> str:
    """Where a decision returns to: the page it was made on, if it is one of ours."""
    return redirect_target(request, reverse("champions_person", args=[staff.pk]))


@require_POST
@require(can_run_programme)
def decide(request, staff_id: int):
    """A decision on one person. Refused (already decided, below the minimum tier, no reason
    where one is needed): their record with the sentence, 409 or 400, what was typed kept."""
    staff = get_object_or_404(Staff.objects.select_related("department", "role"), pk=staff_id)
    reason = request.POST.get("reason", "")
    try:
        champion_decide(
            staff=staff, decision=request.POST.get("decision", ""), by=request.user, reason=reason
        )
    except ProgrammeError as refusal:
        return _person_page(
            request, staff, error=str(refusal), status=refusal.status, reason=reason[:1000]
        )
    messages.success(request, f"Saved your decision on {staff.display_name}.")
    # Decided from a person's record: back there (or the page it was opened from); else the queue.
    return redirect(_next(request, staff) if "next" in request.POST else "champions_review")


@require_GET
@require(_reports_or_programme)
def coverage(request):
    by = "location" if request.GET.get("by") == "location" else "department"
    return TemplateResponse(
        request,
        "champions/coverage.html",
        {
            "rows": selectors.coverage(by=by),
            "by": by,
            "per": ScoreSettings.current().staff_per_champion,
            "show_names": can_run_programme(request.user),
        },
    )


@require_GET
@require(_reports_or_programme)
def report(request, fmt: str = "html"):
    context = {
        "report": selectors.champion_report(),
        "show_names": can_run_programme(request.user),
        "portal_name": settings.PORTAL_NAME,
    }
    if fmt == "pdf":
        pdf = pdf_from_template(template_name="champions/pdf/report.html", context=context)
        response = HttpResponse(pdf, content_type="application/pdf")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="champion-report-{stamp}.pdf"'
        return response
    return TemplateResponse(request, "champions/report.html", context)

"""The adoption report: the dashboard, its PDF, spreadsheet and CSV, and the weekly email.

Every view resolves the caller's scope with `report_scope` first (404 outside it), then reads
`adoption_report`, then renders. Exports carry the same query string as the page, so a shared
URL, a filter change and a download always show the same people, suppressed the same way.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.defaults import permission_denied

from ..pdf import pdf_from_template
from ..people.services import staff_of_request
from . import digest
from .audit import report_read_record
from .exports import report_csv, report_xlsx
from .people_list import PeopleQuery, not_at_target, people_matching, people_page
from .presentation import (
    adoption_context,
    filter_fields,
    pdf_context,
    people_context,
    preamble,
    report_href,
)
from .reminders import target_reminders_queue
from .scope import PERIOD_LABELS, may_see_reports, report_scope
from .selectors import Adoption, adoption_report

PRIVATE = "private, no-store"


def _with_report(view):
    """Call `view(request, report)` with the caller's report for the query string: 403 when
    they may see no report at all, 404 (from `report_scope`) outside their scope."""

    @wraps(view)
    def wrapped(request):
        staff = staff_of_request(request)
        if not may_see_reports(request.user, staff):
            return permission_denied(request, PermissionDenied())
        scope = report_scope(user=request.user, staff=staff, params=request.GET)
        return view(request, adoption_report(scope=scope))

    return wrapped


def _filename(adoption: Adoption, extension: str) -> str:
    day = timezone.localdate(adoption.now).isoformat()
    return f"adoption-{slugify(adoption.scope.description)[:60]}-{day}.{extension}"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = PRIVATE
    return response


@require_GET
@never_cache
@_with_report
def adoption(request, report: Adoption):
    response = _page(request, report, PeopleQuery.of(request.GET))
    if request.htmx:  # the address bar shows the view's own address, without empty filters
        response["HX-Push-Url"] = response.context_data["address"]
    return response


def _page(request, report: Adoption, people: PeopleQuery, reminded: str = "") -> TemplateResponse:
    context = adoption_context(report)
    context["lines"] = report.scope.lines
    context["filter_fields"] = filter_fields(report.scope)
    context["periods"] = list(PERIOD_LABELS.items())
    context["digest"] = digest.digest_status(user=request.user)
    context["address"] = report_href(report.scope)
    report_read_record(
        user=request.user, report=report, output="page", searched=bool(people.search)
    )
    if report.scope.names_visible:
        page = people_page(adoption=report, query=people)
        context.update(people_context(report.scope, page))
        context["address"] = report_href(report.scope, **page.query.query())
        context["reminded"] = reminded
    template = "reports/adoption.html#report" if request.htmx else "reports/adoption.html"
    response = TemplateResponse(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@require_GET
@_with_report
def adoption_pdf(request, report: Adoption):
    pdf = pdf_from_template(template_name="reports/pdf/adoption.html", context=pdf_context(report))
    report_read_record(user=request.user, report=report, output="pdf")
    return _download(pdf, "application/pdf", _filename(report, "pdf"))


@require_GET
@_with_report
def adoption_xlsx(request, report: Adoption):
    content = report_xlsx(
        title=f"Adoption: {report.scope.description}",
        tables=report.tables(),
        preamble=preamble(report),
    )
    report_read_record(user=request.user, report=report, output="xlsx")
    return _download(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _filename(report, "xlsx"),
    )


@require_GET
@_with_report
def adoption_csv(request, report: Adoption):
    wanted = request.GET.get("table", "by_department")
    table = next((t for t in report.tables() if t.key == wanted), None)
    if table is None:
        raise Http404("No such table.")
    content = report_csv(table=table, preamble=preamble(report))
    report_read_record(user=request.user, report=report, output="csv", table=table.key)
    return _download(content, "text/csv; charset=utf-8", _filename(report, f"{table.key}.csv"))


@require_POST
@never_cache
def target_reminders(request):
    """Queue a reminder for the people of the caller's people table (every page, with its
    search) who are not at target: only where the caller may see their names, that is their
    own line or, for the programme's organisers, anyone; 403 for everyone else."""
    staff = staff_of_request(request)
    if not may_see_reports(request.user, staff):
        return permission_denied(request, PermissionDenied())
    scope = report_scope(user=request.user, staff=staff, params=request.POST)
    if not scope.names_visible:
        return permission_denied(request, PermissionDenied())
    report = adoption_report(scope=scope)
    people = PeopleQuery.of(request.POST)
    chosen = not_at_target(people_matching(adoption=report, search=people.search))
    result = target_reminders_queue(staff_ids=chosen, requested_by=request.user)
    if request.htmx:
        return _page(request, report, people, reminded=str(result))
    messages.success(request, str(result))
    return redirect(report_href(scope, **people.query()))


@require_POST
def digest_choose(request):
    """Turn the weekly email on or off (for the caller only)."""
    staff = staff_of_request(request)
    if not may_see_reports(request.user, staff):
        return permission_denied(request, PermissionDenied())
    weekly = request.POST.get("weekly") == "on"
    digest.digest_subscribe(user=request.user, weekly=weekly)
    messages.success(
        request,
        "You will get this report by email every Monday."
        if weekly
        else "You will no longer get the weekly email.",
    )
    return redirect("reports")

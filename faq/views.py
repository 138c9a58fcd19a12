"""The FAQ guide as staff use it: the guide, categories, entries, search, votes, questions.

The pages route here (`models`); each view parses the request, calls one service or selector
and renders. The htmx requests (live search, voting) get a partial of the same template, and
every form also works as a plain form post without JavaScript.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.people.services import staff_of_request as _staff

from . import selectors, services
from .forms import QuestionForm, VoteForm
from .models import FAQCategoryPage, FAQEntryPage, FAQIndexPage


@require_GET
def guide(request, *, guide: FAQIndexPage):
    overview = selectors.faq_guide(
        guide=guide, role_id=_role_id(request), staff=_staff(request), request=request
    )
    return TemplateResponse(
        request,
        "faq/faq_index_page.html",
        {"page": guide, "overview": overview, "categories": overview.categories},
    )


@require_GET
def guide_search(request, *, guide: FAQIndexPage):
    """Search results: the whole page, or (as you type) just the results.

    Typing fetches results with `live=1`; only a submitted search (Enter, the button, or no
    JavaScript) that finds nothing goes to the gap log, so half-typed words never do.
    """
    query = request.GET.get("q", "")
    outcome = selectors.faq_search(
        query=query, role_id=_role_id(request), guide=guide, staff=_staff(request), request=request
    )
    live = request.GET.get("live") == "1"
    if outcome.query and not outcome.hits and not live:
        services.search_gap_log(query=outcome.query)
    template = "faq/faq_search.html#results" if request.htmx else "faq/faq_search.html"
    response = TemplateResponse(request, template, {"page": guide, "outcome": outcome})
    response["Vary"] = "HX-Request"
    return response


@require_GET
def category(request, *, category: FAQCategoryPage):
    return TemplateResponse(
        request,
        "faq/faq_category_page.html",
        {
            "page": category,
            "guide_url": selectors.faq_guide_url(),
            "entries": selectors.faq_category(
                category=category, role_id=_role_id(request), staff=_staff(request), request=request
            ),
        },
    )


@require_GET
def entry(request, *, entry: FAQEntryPage):
    """An entry. Reading it counts once a day toward the person's tier (never in previews)."""
    staff = _staff(request)
    if staff is not None and not getattr(request, "is_preview", False):
        services.faq_view_record(staff=staff, entry=entry)
    return _entry_page(request, entry, VoteForm())


@require_POST
def entry_vote(request, *, entry: FAQEntryPage):
    form = VoteForm(request.POST)
    if form.is_valid():
        try:
            services.faq_vote_cast(
                user=request.user,
                entry=entry,
                helpful=form.cleaned_data["helpful"],
                comment=form.cleaned_data["comment"],
            )
        except services.FAQError as error:
            form.add_error(None, str(error))
    if request.htmx:
        detail = selectors.faq_entry(entry=entry, user=request.user)
        context = {"page": entry, "form": form, "detail": detail}
        return TemplateResponse(request, "faq/faq_entry_page.html#helpful", context)
    if form.errors:  # the whole page again, with the comment as typed
        return _entry_page(request, entry, form, status=400)
    messages.success(request, "Thank you: your answer helps editors improve the guide.")
    return redirect(entry.get_url(request) + "#helpful")


@require_http_methods(["GET", "POST"])
def question_ask(request, *, guide: FAQIndexPage):
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                services.question_ask(user=request.user, **form.cleaned_data)
            except services.FAQError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    "Your question is with the editors. We will email you when it has an "
                    "answer, and it will show on My path.",
                )
                return redirect(guide.get_url(request) + "questions/")
    else:
        form = QuestionForm(initial={"text": request.GET.get("q", "")[:300]})
    return TemplateResponse(
        request,
        "faq/question_ask.html",
        {"page": guide, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def questions_mine(request, *, guide: FAQIndexPage):
    return TemplateResponse(
        request,
        "faq/questions_mine.html",
        {"page": guide, "questions": selectors.questions_asked_by(user=request.user)},
    )


def _entry_page(request, entry: FAQEntryPage, form: VoteForm, status: int = 200):
    return TemplateResponse(
        request,
        "faq/faq_entry_page.html",
        {
            "page": entry,
            "form": form,
            "detail": selectors.faq_entry(entry=entry, user=request.user),
            "guide_url": selectors.faq_guide_url(),
        },
        status=status,
    )


def _role_id(request) -> int | None:
    staff = _staff(request)
    return staff.role_id if staff else None

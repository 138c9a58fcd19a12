"""The FAQ guide's screens in the Wagtail admin, for editors: the questions staff asked, the
searches that found nothing, and how helpful each entry is.

Starting an entry from a question or a search creates a draft page, so it needs the same right
as adding the page by hand in that category; the category list offers only those places.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.permissions import can_edit_content, require

from . import selectors, services
from .admin_lists import GAPS_INDEX
from .forms import CategoryChoiceForm, CloseForm, ExistingEntryForm
from .models import FAQCategoryPage, FAQEntryPage, Question, SearchGap


@require(can_edit_content)
@require_GET
def questions(request):
    status = request.GET.get("status", Question.Status.OPEN)
    if status not in Question.Status.values:
        status = Question.Status.OPEN
    counts = selectors.question_counts()
    return _render(
        request,
        "faq/admin/questions.html",
        "Questions from staff",
        questions=selectors.questions_queue(status=status),
        current=status,
        tabs=[(value, label, counts[value]) for value, label in Question.Status.choices],
    )


@require(can_edit_content)
@require_http_methods(["GET", "POST"])
def question(request, pk: int):
    question = get_object_or_404(Question.objects.select_related("entry"), pk=pk)
    action = request.POST.get("action") if request.method == "POST" else None
    draft_form = _category_form(request, "draft", bound=action == "draft")
    existing_form = ExistingEntryForm(prefix="existing")
    close_form = CloseForm(prefix="close")
    status = 200
    if request.method == "POST":
        try:
            if action == "draft" and draft_form.is_valid():
                entry = services.question_entry_draft(
                    question=question,
                    category=draft_form.cleaned_data["category"],
                    user=request.user,
                )
                messages.success(
                    request,
                    "A draft entry is ready. Write the answer and publish it; the person who "
                    "asked will be told.",
                )
                return redirect("wagtailadmin_pages:edit", entry.pk)
            if action == "existing":
                existing_form = ExistingEntryForm(request.POST, prefix="existing")
                if existing_form.is_valid():
                    services.question_answer_with(
                        question=question, entry=existing_form.cleaned_data["entry"]
                    )
                    messages.success(request, "Answered. The person who asked will be told.")
                    return redirect("faq_admin_questions")
            if action == "close":
                close_form = CloseForm(request.POST, prefix="close")
                if close_form.is_valid():
                    services.question_close(
                        question=question, reply=close_form.cleaned_data["reply"]
                    )
                    messages.success(request, "Closed. The person who asked will get your reply.")
                    return redirect("faq_admin_questions")
        except services.FAQError as error:
            messages.error(request, str(error))
        status = 400
    return _render(
        request,
        "faq/admin/question.html",
        "Question from staff",
        question=question,
        draft_form=draft_form,
        existing_form=existing_form,
        close_form=close_form,
        status=status,
    )


@require(can_edit_content)
@require_POST
def search_gap(request, pk: int):
    gap = get_object_or_404(SearchGap, pk=pk)
    if request.POST.get("action") == "dismiss":
        services.search_gap_dismiss(gap=gap)
        messages.success(request, f"“{gap.query}” is off the list.")
        return redirect(GAPS_INDEX)
    form = _category_form(request, "gap")
    if not form.is_valid():
        messages.error(request, "Choose a category you may add entries to.")
        return redirect(GAPS_INDEX)
    entry = services.search_gap_entry_draft(
        gap=gap, category=form.cleaned_data["category"], user=request.user
    )
    messages.success(
        request, "A draft entry is ready: write the question and answer, then publish."
    )
    return redirect("wagtailadmin_pages:edit", entry.pk)


@require(can_edit_content)
@require_GET
def helpfulness_entry(request, pk: int):
    entry = get_object_or_404(FAQEntryPage, pk=pk)
    return _render(
        request,
        "faq/admin/helpfulness_entry.html",
        "Comments on an entry",
        entry=entry,
        comments=selectors.faq_vote_comments(entry=entry),
    )


def _category_form(request, prefix: str, *, bound: bool = True) -> CategoryChoiceForm:
    """A choice of the categories this person may add entries to."""
    data = request.POST if bound and request.method == "POST" else None
    form = CategoryChoiceForm(data, prefix=prefix)
    allowed = [c.pk for c in selectors.faq_categories_addable(user=request.user)]
    form.fields["category"].queryset = FAQCategoryPage.objects.filter(pk__in=allowed).order_by(
        "path"
    )
    return form


def _render(request, template: str, title: str, *, status: int = 200, **context):
    return TemplateResponse(
        request,
        template,
        {
            "page_title": title,
            "header_title": title,
            "header_icon": "help",
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": "Dashboard"},
                {"url": "", "label": title},
            ],
            **context,
        },
        status=status,
    )

"""The FAQ guide's forms: a vote, a question, and the editors' answers from the queue."""

from django import forms
from wagtail.admin.widgets import AdminPageChooser

from .models import FAQCategoryPage, FAQEntryPage, FAQVote, Question


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Choose Yes or No."},
    )
    comment = forms.CharField(
        label="Anything to add or fix? (optional)",
        required=False,
        max_length=FAQVote._meta.get_field("comment").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Please keep your comment under 1,000 characters."},
    )


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Your question",
        max_length=Question._meta.get_field("text").max_length,
        help_text="One question, as you would ask a colleague.",
        error_messages={
            "required": "Write your question first.",
            "max_length": "Please keep the question under 300 characters; add detail below it.",
        },
    )
    details = forms.CharField(
        label="More detail (optional)",
        required=False,
        max_length=Question._meta.get_field("details").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you were trying to do, or where you looked. No customer data, please.",
        error_messages={"max_length": "Please keep the details under 2,000 characters."},
    )


class CategoryChoiceForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=FAQCategoryPage.objects.order_by("path"),
        label="Category for the new entry",
        empty_label=None,
    )


class ExistingEntryForm(forms.Form):
    entry = forms.ModelChoiceField(
        queryset=FAQEntryPage.objects.live(),
        label="Entry that answers it",
        widget=AdminPageChooser(target_models=[FAQEntryPage]),
        error_messages={"invalid_choice": "Choose a published entry."},
    )


class CloseForm(forms.Form):
    reply = forms.CharField(
        label="Why it is closed",
        max_length=Question._meta.get_field("reply").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The person who asked receives this by email.",
    )

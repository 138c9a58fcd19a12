"""The forms of a wave's actions in the admin: a list upload, and moving someone in.

A wave and its rules are edited on the waves viewset's own form (`admin_views.WaveViewSet`).
"""

from django import forms
from django.db.models import Q

from ..people.models import Staff

MAX_LIST_BYTES = 2 * 1024 * 1024


class ListUploadForm(forms.Form):
    file = forms.FileField(
        label="List of people (CSV or text)",
        help_text="One work email or employee id per line; a header line, blank lines and "
        "anything after a comma are ignored.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_LIST_BYTES:
            raise forms.ValidationError("That file is larger than 2 MB: split it into parts.")
        return upload


class MoveForm(forms.Form):
    person = forms.CharField(
        label="Work email or employee id",
        max_length=254,
        help_text="They leave the wave they are in (unless it has started) and join this one.",
    )

    def clean_person(self) -> Staff:
        value = self.cleaned_data["person"].replace("\x00", "").strip()
        matches = list(
            Staff.objects.filter(active=True).filter(Q(email__iexact=value) | Q(employee_id=value))[
                :2
            ]
        )
        if not matches:
            raise forms.ValidationError(
                "Nobody active in the staff directory has that email or employee id."
            )
        if len(matches) > 1:
            raise forms.ValidationError("That matches two people; give their email instead.")
        return matches[0]

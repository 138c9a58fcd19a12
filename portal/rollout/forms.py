"""The forms of the rollout's admin screens: a wave with up to three rules, and a list upload.

A wave and its rules are saved together by `services.wave_save`, so a bad rule never leaves a
wave half-written; the rule rows are a plain formset, empty rows ignored (a rule with no field set
would mean "everyone", which is never what an empty row meant).
"""

from django import forms

from ..people.models import Department, Location, Role
from .models import Wave

RULE_ROWS = 3
MAX_LIST_BYTES = 2 * 1024 * 1024


class WaveForm(forms.ModelForm):
    class Meta:
        model = Wave
        fields = [
            "name",
            "starts_on",
            "size_limit",
            "open_to_volunteers",
            "sponsor_name",
            "sponsor_message",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "sponsor_message": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"starts_on": "Planned start", "size_limit": "Size limit"}


class RuleForm(forms.Form):
    department = forms.ModelChoiceField(
        Department.objects.order_by("name"), required=False, empty_label="Any department"
    )
    role = forms.ModelChoiceField(
        Role.objects.order_by("name"), required=False, empty_label="Any role"
    )
    location = forms.ModelChoiceField(
        Location.objects.order_by("name"), required=False, empty_label="Any location"
    )

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in ("department", "role", "location"))


class BaseRuleFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if form.is_blank():
                continue
            key = tuple(form.cleaned_data.get(n) for n in ("department", "role", "location"))
            if key in seen:
                raise forms.ValidationError("Two rules are the same: keep one of them.")
            seen.add(key)

    def rules(self) -> list[dict]:
        return [
            {name: form.cleaned_data.get(name) for name in ("department", "role", "location")}
            for form in self.forms
            if not form.is_blank()
        ]


RuleFormSet = forms.formset_factory(
    RuleForm, formset=BaseRuleFormSet, extra=0, max_num=RULE_ROWS, validate_max=True
)


def rule_formset(*, wave: Wave | None = None, data=None) -> BaseRuleFormSet:
    """The wave's rules, then empty rows up to three."""
    if data is not None:
        return RuleFormSet(data, prefix="rules")
    initial = []
    if wave is not None:
        initial = [
            {"department": r.department_id, "role": r.role_id, "location": r.location_id}
            for r in wave.rules.order_by("pk")
        ]
    formset = RuleFormSet(initial=initial, prefix="rules")
    formset.extra = max(0, RULE_ROWS - len(initial))
    return formset


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

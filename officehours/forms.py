"""Office hours' forms: a booking's topic, the sessions filter, the viewer's time zone, the
host's recording link, and the series' admin form (its hosts chosen by name)."""

from django import forms
from wagtail.admin.forms import WagtailAdminModelForm

from .hosts_chooser import HostsChooser
from .models import Booking, Series
from .selectors import host_candidates


class BookForm(forms.Form):
    topic = forms.CharField(
        label="What do you want to discuss? (optional)",
        required=False,
        max_length=Booking._meta.get_field("topic").max_length,
        error_messages={"max_length": "Please keep the topic under 300 characters."},
    )


class SessionFilterForm(forms.Form):
    """Which sessions to list: one series, one part of the day (in the reader's zone), or all.
    A plain GET form; a value that is not offered is an error, said in a sentence."""

    series = forms.TypedChoiceField(
        label="Series",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": "That series is not on offer any more, so every series is shown."
        },
    )
    part = forms.ChoiceField(
        label="Time of day",
        required=False,
        choices=[
            ("", "Any time"),
            ("morning", "Morning (before 12:00)"),
            ("afternoon", "Afternoon (12:00 to 17:00)"),
            ("evening", "Evening (from 17:00)"),
        ],
        error_messages={
            "invalid_choice": "Choose morning, afternoon or evening; every time of day is shown."
        },
    )

    def __init__(self, *args, series: list[Series], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [("", "All series")] + [
            (str(s.pk), s.title) for s in sorted(series, key=lambda s: s.title.lower())
        ]

    def filters(self) -> dict:
        """The valid choices, each None when not chosen (or not valid)."""
        data = self.cleaned_data if self.is_bound else {}
        return {"series_id": data.get("series"), "part": data.get("part") or None}


class ZoneForm(forms.Form):
    zone = forms.ChoiceField(label="Show times in")

    def __init__(self, *args, zones: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [(z, z.replace("_", " ")) for z in zones]


class RecordingForm(forms.Form):
    url = forms.URLField(label="Recording link", max_length=200, assume_scheme="https")


class SessionEditForm(forms.Form):
    start_time = forms.TimeField(
        label="Starts at (the host's local time)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(label="Minutes", min_value=5, max_value=480)
    location = forms.CharField(label="Link or room", max_length=300)
    capacity = forms.IntegerField(label="Seats", min_value=1, max_value=1000)
    scope = forms.ChoiceField(
        label="Apply to",
        choices=[("one", "This session only"), ("future", "This and all future sessions")],
        initial="one",
        widget=forms.RadioSelect,
    )


class SeriesAdminForm(WagtailAdminModelForm):
    """A series in the admin: hosts are chosen by name and email with a searchable chooser,
    among who may host (and whoever hosts it already)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        hosts = self.fields["hosts"]
        current = list(self.instance.hosts.values_list("pk", flat=True)) if self.instance.pk else []
        hosts.queryset = host_candidates(keep=current)
        hosts.widget = HostsChooser()
        hosts.help_text = "Who runs the sessions. Search by name or email; choose several at once."

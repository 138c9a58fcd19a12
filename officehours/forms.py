"""Office hours' forms: a booking's topic, the viewer's time zone, the host's recording link."""

from django import forms

from .models import Booking


class BookForm(forms.Form):
    topic = forms.CharField(
        label="What do you want to discuss? (optional)",
        required=False,
        max_length=Booking._meta.get_field("topic").max_length,
        error_messages={"max_length": "Please keep the topic under 300 characters."},
    )


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

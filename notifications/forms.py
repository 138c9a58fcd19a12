"""A person's notification settings: channels per kind, quiet hours, the daily digest."""

from django import forms

from . import kinds
from .channels import configured
from .models import Settings


class SettingsForm(forms.ModelForm):
    class Meta:
        model = Settings
        fields = ["quiet_from", "quiet_until", "daily_digest", "digest_time"]
        labels = {
            "quiet_from": "Quiet from",
            "quiet_until": "Quiet until",
            "daily_digest": "Bundle what can wait into one message a day",
            "digest_time": "Send the daily message at",
        }
        help_texts = {
            "quiet_from": "In your own time zone. Messages that fall inside wait until the end.",
        }
        widgets = {
            "quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "quiet_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "digest_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("quiet_from"), data.get("quiet_until")
        both_read = "quiet_from" not in self.errors and "quiet_until" not in self.errors
        if both_read and (start is None) != (end is None):
            # on the end left empty, so the person is taken to the field to fill
            missing = "quiet_until" if end is None else "quiet_from"
            self.add_error(missing, "Give both ends of your quiet hours, or neither.")
        return data


def channels_offered() -> list[tuple[str, str]]:
    """The channels a person can pick here: those this portal is connected to. The inbox is
    not a choice: every notification is in it, whatever else is ticked."""
    return [
        (key, label)
        for key, label in kinds.CHANNELS.items()
        if key in kinds.DELIVERED and configured(key)
    ]


def channels_posted(data) -> dict[str, list[str]]:
    """Each kind's ticked channels from the settings form, offered ones only, for the kinds the
    form showed (its `shown` fields: a kind with every box unticked sends nothing else)."""
    offered = {key for key, _ in channels_offered()}
    on_form = set(data.getlist("shown"))
    return {
        kind.key: [c for c in data.getlist(kind.key) if c in offered]
        for kind in kinds.all_kinds()
        if kind.key in on_form
    }


def channels_changed(data, *, before: dict[str, list[str]]) -> dict[str, list[str]]:
    """The kinds whose ticks differ from `before` (what each kind took when the page was
    sent): only those become the person's own choice, so a kind they left alone keeps
    following the community managers' default, and Slack once it is connected. A kind with
    every box unticked is a change too (to nothing)."""
    offered = {key for key, _ in channels_offered()}
    return {
        key: ticked
        for key, ticked in channels_posted(data).items()
        if set(ticked) != {c for c in before.get(key, ()) if c in offered}
    }

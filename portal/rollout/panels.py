"""The rollout's two sections of *My path*: an invitation to join the pilot while a wave is
open to volunteers (not for people already where the pilot leads: see
`selectors.pilot_outgrown`), and the quarterly pulse check once a person has finished a tier's
training.

Both read one row, fetched once per request and kept on the user object: the person, whether
they are in any wave, have finished training or were asked this quarter, and the open wave. So
the two panels together add one query to the page, with or without an open wave.
"""

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from ..people.models import Staff
from ..tiers.models import EngagementEvent
from .models import PulseAsked, Wave, WaveMember
from .selectors import pilot_outgrown
from .services import quarter_of

PULSE_TEMPLATE = "rollout/my_path_pulse.html"
CONFIDENCE_CHOICES = [("1", "Not at all"), ("2", ""), ("3", ""), ("4", ""), ("5", "Very")]


def _state(user) -> dict | None:
    if not hasattr(user, "_rollout_panels"):
        open_wave = Wave.objects.filter(open_to_volunteers=True).order_by("starts_on", "pk")
        user._rollout_panels = (
            Staff.objects.filter(user=user)
            .annotate(
                in_wave=Exists(WaveMember.objects.filter(staff=OuterRef("pk"))),
                trained=Exists(
                    EngagementEvent.objects.filter(staff=OuterRef("pk"), kind="training_completed")
                ),
                asked=Exists(
                    PulseAsked.objects.filter(
                        staff=OuterRef("pk"), quarter=quarter_of(timezone.localdate())
                    )
                ),
                outgrown=pilot_outgrown(),
                wave_id=Subquery(open_wave.values("pk")[:1]),
                wave_starts_on=Subquery(open_wave.values("starts_on")[:1]),
                wave_started_at=Subquery(open_wave.values("started_at")[:1]),
            )
            .values(
                "in_wave",
                "trained",
                "asked",
                "outgrown",
                "wave_id",
                "wave_starts_on",
                "wave_started_at",
            )
            .first()
        )
    return user._rollout_panels


def my_path_pilot(user) -> dict | None:
    """ "Be one of the first": for people in no wave while one is open to volunteers, unless
    they are already where the pilot leads. It names the day, never the wave's own name (the
    community managers' label for it)."""
    state = _state(user)
    if state is None or state["in_wave"] or state["outgrown"] or state["wave_id"] is None:
        return None
    return {
        "starts_on": state["wave_starts_on"],
        "started": state["wave_started_at"] is not None,
        "url": reverse("rollout_pilot"),
    }


def my_path_pulse(user) -> dict | None:
    """The pulse check: after a tier's training, until answered or put off this quarter."""
    state = _state(user)
    if state is None or not state["trained"] or state["asked"]:
        return None
    return pulse_context()


def pulse_context(
    *, values: dict | None = None, error: str = "", invalid: str = "", done: str = ""
) -> dict:
    return {
        "values": values or {"confidence": "", "what_would_help": ""},
        "error": error,
        "invalid": invalid,  # the answer at fault, marked for assistive technology
        "done": done,
        "choices": CONFIDENCE_CHOICES,
        "url": reverse("rollout_pulse"),
    }

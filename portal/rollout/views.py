"""The rollout as staff see it: joining the pilot, and answering the pulse check from My path.

Each view parses the request, calls one service, renders. htmx requests get the part of the
page that changed; every form also works as a plain post and redirect.
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from .. import panels
from ..people.services import NOT_IN_DIRECTORY
from ..people.services import staff_of_request as _staff
from ..tiers.selectors import my_path as my_path_select
from .models import WaveMember
from .panels import PULSE_TEMPLATE, pulse_context
from .pulse import pulse_answer, pulse_skip
from .selectors import pilot_standing
from .services import RolloutError, already_in_a_wave, wave_open, wave_volunteer

JOINED = {
    WaveMember.Status.MEMBER: "You're in: welcome to the pilot.",
    WaveMember.Status.WAITLISTED: "The pilot is full, so you're on the waitlist: we'll add you "
    "when a place opens.",
}


@require_http_methods(["GET", "POST"])
def pilot(request):
    """The wave open to volunteers, what it asks of you, and a button to join it ("Join the
    waitlist" once it is full); for people already where the pilot leads, no invitation."""
    staff = _staff(request)
    error, status = "", 200
    if request.method == "POST":
        try:
            if staff is None:
                raise RolloutError(NOT_IN_DIRECTORY)
            member = wave_volunteer(staff=staff)
        except RolloutError as refusal:
            if not request.htmx:
                messages.error(request, str(refusal))
                return redirect("rollout_pilot")
            error, status = str(refusal), 409
        else:
            if not request.htmx:
                messages.success(request, JOINED[member.status])
                return redirect("rollout_pilot")
    wave = wave_open()
    member = elsewhere = None
    places_left = None
    if wave is not None and staff is not None:
        # A person is in one wave at a time: theirs, if it is not the open one.
        mine = WaveMember.objects.filter(staff=staff).select_related("wave").first()
        if mine is not None and mine.wave_id == wave.pk:
            member = mine
        elif mine is not None:
            elsewhere = already_in_a_wave(mine.wave)
    if wave is not None and wave.size_limit is not None:
        taken = wave.members.filter(status=WaveMember.Status.MEMBER).count()
        places_left = max(wave.size_limit - taken, 0)
    standing = pilot_standing(staff=staff) if wave is not None and staff is not None else {}
    response = TemplateResponse(
        request,
        "rollout/pilot.html#join" if request.htmx else "rollout/pilot.html",
        {
            "wave": wave,
            "member": member,
            "elsewhere": elsewhere,
            "places_left": places_left,
            "outgrown": standing.get("outgrown", False),
            "tier_name": standing.get("tier_name"),
            "staff": staff,
            "error": error,
            "not_in_directory": NOT_IN_DIRECTORY,
        },
        status=status,
    )
    response["Vary"] = "HX-Request"
    return response


@require_POST
def pulse(request):
    """Answer the pulse check (“Send”) or put it off until next quarter (“Not now”)."""
    staff = _staff(request)
    values = {
        "confidence": request.POST.get("confidence", "").strip()[:20],
        "what_would_help": request.POST.get("what_would_help", "")[:1000],
    }
    skip = request.POST.get("action") == "skip"
    try:
        if staff is None:
            raise RolloutError(NOT_IN_DIRECTORY)
        if skip:
            pulse_skip(staff=staff)
        else:
            pulse_answer(
                staff=staff,
                confidence=_confidence(values["confidence"]),
                what_would_help=values["what_would_help"],
            )
    except RolloutError as refusal:
        return _pulse_refused(request, values, str(refusal), refusal.field)
    if request.htmx:
        return TemplateResponse(
            request, PULSE_TEMPLATE, {"panel": pulse_context(done="skipped" if skip else "sent")}
        )
    messages.success(
        request,
        "No problem: we'll ask again next quarter."
        if skip
        else "Thank you: your answer helps us plan what comes next.",
    )
    return redirect("my_path")


def _confidence(text: str) -> int | None:
    """1 to 5, or None when left empty; anything else is refused in words (no server error)."""
    if not text:
        return None
    if len(text) > 1 or not text.isdigit():
        raise RolloutError("Choose how confident you are, from 1 to 5.", field="confidence")
    return int(text)  # the service refuses 0 and 6 to 9


def _pulse_refused(request, values: dict, error: str, invalid: str) -> TemplateResponse:
    """400 with the sentence and what was typed: the panel alone for htmx, otherwise My path
    with the panel first."""
    panel = pulse_context(values=values, error=error, invalid=invalid)
    if request.htmx:
        return TemplateResponse(request, PULSE_TEMPLATE, {"panel": panel}, status=400)
    staff = _staff(request)
    shown = [p for p in panels.panels_for(request.user) if p["template"] != PULSE_TEMPLATE]
    return TemplateResponse(
        request,
        "portal/my_path.html",
        {
            "path": my_path_select(staff=staff) if staff is not None else None,
            "panels": [{"template": PULSE_TEMPLATE, "context": panel}, *shown],
        },
        status=400,
    )

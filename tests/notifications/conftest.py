"""Fixtures of the nudge tests (tests/notifications/nudging.py has their helpers)."""

from datetime import timedelta

import pytest

from portal.factories import DepartmentFactory, LocationFactory, RoleFactory
from portal.reports.frames import frames_forget
from portal.rollout.models import Wave, WaveMember
from portal.tiers.models import Tier
from tests.notifications.nudging import NOW, person


@pytest.fixture
def fresh_frames():
    """The reports' frames are kept per process; a rolled-back test reuses ids."""
    frames_forget()
    yield
    frames_forget()


@pytest.fixture
def tiers():
    return {t.name: t for t in Tier.objects.all()}


@pytest.fixture
def place():
    return {"department": DepartmentFactory(), "location": LocationFactory()}


@pytest.fixture
def waves(place):
    role = RoleFactory()
    started = Wave.objects.create(
        name="Pilot",
        starts_on=NOW.date(),
        sponsor_name="Rita Chief",
        sponsor_message="I am glad you are in.",
        started_at=NOW - timedelta(hours=2),
    )
    silent = Wave.objects.create(
        name="Quiet", starts_on=NOW.date(), started_at=NOW - timedelta(hours=2)
    )
    old = Wave.objects.create(
        name="Old",
        starts_on=NOW.date(),
        sponsor_message="Long ago.",
        started_at=NOW - timedelta(days=3),
    )
    people = {
        "member": person(place, role),
        "waitlisted": person(place, role),
        "no_account": person(place, role, user=False),
        "in_silent": person(place, role),
        "in_old": person(place, role),
    }
    rows = [
        (started, "member", "member"),
        (started, "waitlisted", "waitlisted"),
        (started, "no_account", "member"),
        (silent, "in_silent", "member"),
        (old, "in_old", "member"),
    ]
    for wave, who, status in rows:
        WaveMember.objects.create(wave=wave, staff=people[who], source="list", status=status)
    return people, started

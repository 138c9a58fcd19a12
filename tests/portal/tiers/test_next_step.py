"""The one next step: what "Continue" on home, My path and after each step points at."""

from dataclasses import replace

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from portal.factories import RoleFactory, StaffFactory, UserFactory
from portal.models import Tier
from portal.tiers import events
from portal.tiers.selectors import my_path, next_step_for

from .test_my_path import _events


@pytest.fixture
def linked(db):
    user = UserFactory()
    person = StaffFactory(
        user=user, email=user.email, role=RoleFactory(target_tier=Tier.objects.get(order=3))
    )
    return user, person


@pytest.fixture
def exact_places(monkeypatch):
    """Kinds that know each person's exact place, as an app registers them."""
    for code in ("wiifm_watched", "policy_acknowledged"):
        kind = events.registry[code]
        monkeypatch.setitem(
            events.registry,
            code,
            replace(kind, where="/everyone/", where_for=lambda staff, c=code: f"/{c}/{staff.pk}/"),
        )


def _continue(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load path %}{% continue_link %}").render(Context({"request": request}))


def test_next_step_is_the_first_outstanding_step_at_the_persons_exact_place(linked, exact_places):
    user, person = linked
    _events(person, ["faq_viewed"] * 5 + ["policy_acknowledged"])
    path, step = next_step_for(user)
    assert path.next_tier.name == "Informed"
    assert (step.text, step.url) == ("Watch the WIIFM video", f"/wiifm_watched/{person.pk}/")


def test_a_kind_without_an_exact_place_for_this_person_links_where_everyone_goes(
    linked, monkeypatch
):
    user, person = linked
    kind = events.registry["wiifm_watched"]
    monkeypatch.setitem(
        events.registry, "wiifm_watched", replace(kind, where="/all/", where_for=lambda s: "")
    )
    _events(person, ["faq_viewed"] * 5 + ["policy_acknowledged"])
    assert my_path(staff=person).next_step.url == "/all/"


def test_steps_with_nowhere_to_go_are_skipped_for_one_that_has(linked, monkeypatch):
    user, person = linked
    for code in ("faq_viewed", "policy_acknowledged"):
        kind = events.registry[code]
        where = "" if code == "faq_viewed" else "/rules/"
        monkeypatch.setitem(events.registry, code, replace(kind, where=where, where_for=None))
    path = my_path(staff=person)
    assert [s.kind for s in path.next_steps] == ["faq_viewed", "policy_acknowledged"]
    assert path.next_step.kind == "policy_acknowledged"


def test_continue_names_the_step_and_links_to_it(linked, exact_places):
    user, person = linked
    _events(person, ["faq_viewed"] * 5 + ["policy_acknowledged"])
    html = _continue(user)
    assert "Next step:" in html and "Watch the WIIFM video" in html
    assert f'href="/wiifm_watched/{person.pk}/"' in html


def test_continue_beyond_the_target_says_going_further(linked):
    user, person = linked
    _events(
        person,
        ["faq_viewed"] * 5 + ["policy_acknowledged", "wiifm_watched", "training_completed"],
    )
    assert "Going further:" in _continue(user)


def test_continue_when_every_tier_is_held(linked):
    user, person = linked
    _events(
        person,
        ["faq_viewed"] * 5
        + ["policy_acknowledged", "wiifm_watched", "training_completed"]
        + ["office_hours_attended", "champion_joined"],
    )
    path, step = next_step_for(user)
    assert path.next_tier is None and step is None
    assert "You hold every tier" in _continue(user)


def test_continue_says_nothing_to_someone_outside_the_directory(db):
    assert _continue(UserFactory()).strip() == ""


def test_my_path_and_home_offer_continue(client, linked, exact_places):
    user, person = linked
    _events(person, ["faq_viewed"] * 5 + ["policy_acknowledged"])
    client.force_login(user)
    for url in (reverse("my_path"), "/"):
        html = client.get(url).content.decode()
        assert f'href="/wiifm_watched/{person.pk}/"' in html, url
        assert "Continue" in html

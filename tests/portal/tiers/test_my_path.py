"""My path: what a person sees about their tiers, in plain words, at a fixed query cost."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from portal.factories import RoleFactory, StaffFactory, UserFactory
from portal.models import EngagementEvent, Tier
from portal.tiers.selectors import attainments_held, my_path
from portal.tiers.services import tier_attainments_update


def _events(person, kinds, *, days_ago=30):
    now = timezone.now()
    EngagementEvent.objects.bulk_create(
        EngagementEvent(
            staff=person,
            kind=kind,
            subject=f"entry-{i}" if kind == "faq_viewed" else "",  # different entries
            occurred_at=now - timedelta(days=days_ago, minutes=i),
            source="test",
            idempotency_key=f"t:{person.pk}:{kind}:{i}:{days_ago}",
        )
        for i, kind in enumerate(kinds)
    )
    tier_attainments_update(staff_id=person.pk)


@pytest.fixture
def linked(db):
    user = UserFactory()
    person = StaffFactory(
        user=user, email=user.email, role=RoleFactory(target_tier=Tier.objects.get(order=3))
    )
    return user, person


def test_path_says_where_the_person_stands_and_what_is_next(linked):
    _, person = linked
    _events(person, ["faq_viewed"] * 5 + ["policy_acknowledged", "community_contributed"])
    path = my_path(staff=person)
    assert path.current.name == "Aware"
    assert path.target.name == "Trained"
    assert not path.at_target
    assert path.next_tier.name == "Informed"
    assert [step.text for step in path.next_steps] == ["Watch the WIIFM video"]
    engaged = path.steps[3].requirements
    assert [(r.count, r.needed, r.done) for r in engaged] == [(0, 1, False), (1, 3, False)]


def test_alternatives_already_covered_are_not_listed_as_next(linked):
    _, person = linked
    _events(
        person,
        ["faq_viewed"] * 5
        + ["policy_acknowledged", "wiifm_watched", "training_completed", "office_hours_attended"],
    )
    path = my_path(staff=person)
    assert path.current.name == "Engaged"
    assert path.at_target
    assert [step.text for step in path.next_steps] == ["Join the champion programme"]


def test_lapsed_tier_shows_in_history_not_as_current(linked):
    _, person = linked
    _events(person, ["faq_viewed"] * 5 + ["policy_acknowledged", "wiifm_watched"], days_ago=200)
    _events(person, ["training_completed", "office_hours_attended"], days_ago=150)
    path = my_path(staff=person)
    assert path.current.name == "Trained"
    engaged = [p for p in path.history if p.tier.name == "Engaged"]
    assert len(engaged) == 1 and engaged[0].lapsed_at < timezone.now()


def test_page_explains_the_next_step(client, linked):
    user, person = linked
    _events(person, ["faq_viewed"] * 5 + ["policy_acknowledged"])
    client.force_login(user)
    html = client.get(reverse("my_path")).content.decode()
    assert "You are at tier 1: <strong>Aware</strong>" in html
    assert "To reach <strong>Informed</strong>" in html
    assert "Watch the WIIFM video" in html


def test_person_missing_from_the_directory_gets_an_explanation(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("my_path"))
    assert response.status_code == 200
    assert b"We could not find you in the staff directory" in response.content


@pytest.mark.parametrize("events", [10, 10_000])
def test_my_path_queries_do_not_grow_with_history(
    client, linked, django_assert_num_queries, events
):
    user, person = linked
    _events(
        person, ["community_contributed"] * (events - 6) + ["faq_viewed"] * 5 + ["wiifm_watched"]
    )
    client.force_login(user)
    client.get(reverse("my_path"))  # the menu's cached lookups, once per process
    # session, user, staff (+role, target), tiers, requirements, attainments, one aggregate,
    # the navigation's two permission lookups, and one query per panel: the FAQ's "Your
    # questions", one row shared by the rollout's two (join the pilot, pulse check), "Your
    # nominations", "Your office hours"
    with django_assert_num_queries(13):
        assert client.get(reverse("my_path")).status_code == 200


def test_signing_in_links_the_account_to_staff_by_email(client, db):
    user = UserFactory(email="Ana.Lima@Example.com")
    person = StaffFactory(email="ana.lima@example.com")
    StaffFactory(email="someone.else@example.com")
    client.post(
        reverse("account_login"),
        {"login": user.username, "password": "correct-horse-battery-staple"},
    )
    person.refresh_from_db()
    assert person.user == user


def test_inactive_or_claimed_staff_are_not_linked(client, db):
    leaver = UserFactory(email="gone@example.com")
    StaffFactory(email="gone@example.com", active=False)
    other = UserFactory(email="taken@example.com")
    StaffFactory(email="taken@example.com", user=UserFactory())
    for user in (leaver, other):
        client.force_login(user)
        client.get(reverse("my_path"))
    assert not get_user_model().objects.filter(staff__isnull=False, pk__in=[leaver.pk, other.pk])


def test_attainments_held_leaves_out_lapsed_and_future_periods(linked):
    _, person = linked
    _events(person, ["faq_viewed"] * 5 + ["policy_acknowledged", "wiifm_watched"], days_ago=200)
    _events(person, ["training_completed", "office_hours_attended"], days_ago=150)
    held = set(attainments_held().filter(staff=person).values_list("tier__name", flat=True))
    assert held == {"Aware", "Informed", "Trained"}
    long_ago = timezone.now() - timedelta(days=160)
    assert set(
        attainments_held(at=long_ago).filter(staff=person).values_list("tier__name", flat=True)
    ) == {"Aware", "Informed"}

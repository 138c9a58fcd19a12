"""A demo person with every kind of record the portal can keep about someone: `seed_demo`'s
people manager (events, tiers, training, bookings, FAQ votes and questions, messages, a pilot
wave), plus what the small demo does not give them (nominations both ways, a champion profile, a
community username, settings, a calendar feed, a sign-in address). Built once per module, on
top of `seeded_once`, and rolled back with it."""

from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from champions.models import Champion, CommunityAccount, UnmatchedActivity
from champions.services.nominations import nomination_create
from officehours.services import calendar_feed_renew
from portal.models import DigestSubscription, Preferences, Staff
from portal.outbox.services import message_queue
from portal.privacy.holdings import Person


@dataclass
class Demo:
    person: Person
    colleague: Staff  # someone they nominated
    admirer: Staff  # someone who nominated them
    users: dict


def demo_enrich(users: dict) -> Demo:
    manager = users["manager"]
    staff = Staff.objects.get(user=manager)
    colleague, admirer = Staff.objects.exclude(pk=staff.pk).filter(active=True)[:2]
    nomination_create(nominator=staff, nominee=colleague, reason="Patient with every newcomer.")
    nomination_create(
        nominator=admirer, nominee=staff, reason=f"{staff.display_name} explains it best."
    )
    Champion.objects.update_or_create(
        staff=staff,
        defaults={
            "status": Champion.Status.ACTIVE,
            "active_since": timezone.now(),
            "bio": f"I'm {staff.display_name}, ask me anything.",
            "focus_areas": "Security",
            "reason": f"{staff.display_name} was nominated twice.",
        },
    )
    CommunityAccount.objects.create(staff=staff, username="morgan-in-the-forum")
    UnmatchedActivity.objects.create(
        source_id="csv:demo-1",
        action="post",
        occurred_at=timezone.now(),
        email=staff.email,
        username="morgan-in-the-forum",
        url="https://community.example.com/t/1/2",
        resolved_at=timezone.now(),
        staff=staff,
    )
    Preferences.objects.update_or_create(user=manager, defaults={"time_zone": "Europe/Berlin"})
    DigestSubscription.objects.update_or_create(user=manager, defaults={"weekly": True})
    calendar_feed_renew(user=manager)
    EmailAddress.objects.create(user=manager, email=manager.email, verified=True, primary=True)
    # Messages: one to the account, one to the address before the account was linked
    message_queue(
        key="demo.welcome",
        kind="demo.welcome",
        to=manager.email,
        user=manager,
        subject="Welcome",
        body=f"Hello {staff.display_name}, sign in here: https://portal.example.com/x",
    )
    message_queue(
        key="demo.invitation",
        kind="demo.invitation",
        to=staff.email.upper(),
        subject="You are invited",
        body=f"Dear {staff.display_name}",
    )
    return Demo(Person.of_user(manager), colleague, admirer, users)


@pytest.fixture(scope="module")
def demo(seeded_once, django_db_blocker) -> Demo:
    with django_db_blocker.unblock():
        return demo_enrich(seeded_once)

"""Demo data: a believable portal for trying things out. Synthetic people, a known password.

Idempotent: running it again creates what is missing and changes nothing that exists, so an
editor's changes to the seeded pages survive. Each app adds its part here as it grows.
"""

import random
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.module_loading import module_has_submodule

from . import permissions
from .models import HomePage
from .people.demo import demo_org_ensure
from .rollout.demo import demo_rollout_ensure
from .tiers.demo import demo_history_ensure

DEMO_PASSWORD = "portal-demo"  # noqa: S105  (demo accounts only; production refuses to seed)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    last_name: str
    what: str
    groups: tuple[str, ...] = ()
    superuser: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("staff", "Sam", "Taylor", "a member of staff working through their path"),
    DemoAccount("manager", "Morgan", "Lee", "a people manager who sees their own reporting line"),
    DemoAccount(
        "leader", "Jordan", "Reyes", "a leader who reads the reports", (permissions.LEADERS,)
    ),
    DemoAccount(
        "editor",
        "Casey",
        "Brooks",
        "a community manager who publishes content and runs the programme",
        (permissions.COMMUNITY_MANAGERS,),
    ),
    DemoAccount("admin", "Robin", "Admin", "a site administrator (superuser)", superuser=True),
)

HOME_INTRO = (
    "<p>Our community is where customers help each other, and where we hear them first. "
    "This portal shows you how to take part, at the depth your role needs: a few minutes for "
    "everyone, a little more if you meet customers.</p>"
)
# Title, effort, summary, and where the card leads (the demo apps' pages; editors choose).
HOME_STEPS = [
    (
        "Read the FAQ guide",
        "10-minute read",
        "What the community is, why it matters for your role and your customers, and the "
        "rules of engagement.",
        "/faq/",
    ),
    (
        "Watch the WIIFM video",
        "7-minute video",
        "What's in it for me, and for my customers: the short version, from colleagues who "
        "already take part.",
        "/training/why-our-community/whats-in-it-for-you/",
    ),
    (
        "Take the recorded training",
        "30 minutes and a knowledge check",
        "How to answer, when to hand over, and how to speak for the company in public.",
        "/training/speaking-for-our-community/",
    ),
    (
        "Drop in to office hours",
        "Weekly, 45 minutes",
        "Bring a real question. Community managers and champions host every week; book a seat.",
        "/office-hours/",
    ),
]
HOME_CALLOUT = (
    "What's in it for your customers",
    "<p>Customers who find an answer in the community solve their problem sooner, and the "
    "answer stays there for the next person. When you take part, you are the reason.</p>",
)


@dataclass(frozen=True)
class SeedResult:
    accounts_created: int
    staff: int
    periods_created: int
    home_page_filled: bool


@transaction.atomic
def demo_seed(*, staff: int) -> SeedResult:
    """Demo accounts, an organisation of `staff` more people, their history, the home page."""
    accounts_created = sum(_demo_account_ensure(account) for account in DEMO_ACCOUNTS)
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=[a.username for a in DEMO_ACCOUNTS])
    }
    # The same seed every run: the same synthetic people and events, found again, not doubled.
    rng = random.Random("advocacy-portal-demo")  # noqa: S311  (demo data, not security)
    people = demo_org_ensure(users=users, extra_staff=staff, rng=rng)
    history = demo_history_ensure(people=people, rng=rng)
    demo_rollout_ensure(people=people, rng=random.Random("advocacy-portal-demo:rollout"))  # noqa: S311
    home_page_filled = _home_page_fill()
    for name, app_seed in _app_seeds():
        # A generator per app, so one app's demo does not shift another's when it changes.
        app_seed(users=users, rng=random.Random(f"advocacy-portal-demo:{name}"))  # noqa: S311
    return SeedResult(
        accounts_created=accounts_created,
        staff=len(people),
        periods_created=history.created,
        home_page_filled=home_page_filled,
    )


def _app_seeds():
    """Each installed app's `demo.demo_seed(*, users, rng)`, in INSTALLED_APPS order.

    The domain apps build on `portal`, not the other way round, so they are found, not imported.
    """
    for config in apps.get_app_configs():
        if config.name != "portal" and module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            if hasattr(module, "demo_seed"):
                yield config.name, module.demo_seed


def demo_people(prefix: str, count: int) -> list:
    """Synthetic accounts for an app's demo activity (votes, bookings): inactive and without a
    password, so nobody can sign in as them. Found again, not doubled, on a second run."""
    return [
        get_user_model().objects.get_or_create(
            username=f"{prefix}{i:02d}",
            defaults={
                "email": f"{prefix}{i:02d}@example.com",
                "is_active": False,
                "password": make_password(None),
            },
        )[0]
        for i in range(count)
    ]


def demo_is_seeded() -> bool:
    return get_user_model().objects.filter(username=DEMO_ACCOUNTS[0].username).exists()


def _demo_account_ensure(account: DemoAccount) -> bool:
    user, created = get_user_model().objects.get_or_create(
        username=account.username,
        defaults={
            "first_name": account.first_name,
            "last_name": account.last_name,
            "email": f"{account.username}@example.com",
            "is_staff": account.superuser,
            "is_superuser": account.superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name__in=account.groups))
    return created


def _home_page_fill() -> bool:
    """Give the home page its demo text, unless someone has already written some."""
    home = HomePage.objects.first()
    if home is None or home.intro or len(home.body):
        return False
    home.intro = HOME_INTRO
    home.body = [
        (
            "path_steps",
            {
                "heading": "Your path, step by step",
                "steps": [
                    {
                        "title": title,
                        "effort": effort,
                        "summary": summary,
                        "link": None,
                        "address": address,
                    }
                    for title, effort, summary, address in HOME_STEPS
                ],
            },
        ),
        ("callout", {"heading": HOME_CALLOUT[0], "text": HOME_CALLOUT[1]}),
    ]
    home.save_revision().publish()
    return True

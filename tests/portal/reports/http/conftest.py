"""The two-lines organisation (`two_lines.py`) as fixtures for the report's HTTP tests."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from portal.factories import (
    DepartmentFactory,
    LocationFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)
from portal.tiers.models import Tier, TierAttainment

from .two_lines import A_DEEP, A_SHARED, A_STUDIO, B_FOUNDRY, B_SHARED, MANAGERS


@pytest.fixture
def org(db):
    tiers = list(Tier.objects.order_by("order"))
    assert len(tiers) >= 2
    adviser = RoleFactory(name="Quill Adviser", target_tier=tiers[0])
    smith = RoleFactory(name="Bravo Smithwright", target_tier=tiers[1])  # only in B's line
    harbour = LocationFactory(name="Harbour House")
    lighthouse = LocationFactory(name="Bravo Lighthouse")  # only in B's line
    leadership = DepartmentFactory(name="Leadership Suite")
    shared = DepartmentFactory(name="Shared Operations")  # both lines: 4 of A's, 3 of B's
    studio = DepartmentFactory(name="Alpha Studio")  # only A's line: 5 people
    foundry = DepartmentFactory(name="Bravo Foundry")  # only B's line

    def person(name, department, *, manager=None, role=adviser, location=harbour, user=False):
        return StaffFactory(
            display_name=name,
            department=department,
            role=role,
            location=location,
            manager=manager,
            user=UserFactory() if user else None,
            start_date=timezone.localdate() - timedelta(days=400),
        )

    c = person(MANAGERS["C"], leadership, user=True)
    a = person(MANAGERS["A"], leadership, manager=c, user=True)
    b = person(MANAGERS["B"], leadership, role=smith, location=lighthouse, user=True)
    staff = {}
    for name in A_SHARED:
        staff[name] = person(name, shared, manager=a)
    for name in [*A_STUDIO, "Rosalind Vexingham"]:
        staff[name] = person(name, studio, manager=a)
    kettleworth = staff["Thaddeus Kettleworth"]
    for name in A_DEEP:
        staff[name] = person(name, studio, manager=kettleworth)
    for name in B_SHARED:
        staff[name] = person(name, shared, manager=b, role=smith, location=lighthouse)
    for name in B_FOUNDRY:
        staff[name] = person(name, foundry, manager=b, role=smith, location=lighthouse)
    # A few who reached tiers (one lapsed), in both lines.
    now = timezone.now()
    for name, orders in [
        ("Zephyrine Alpaxton", [1, 2]),
        ("Leocadia Brimblecombe", [1]),
        ("Ximena Fairweatherly", [1, 2, 3]),
        ("Octavian Plumtreeve", [1]),
        ("Zebulon Quaxley", [1, 2]),
        ("Esmeralda Thistlewoodle", [1, 2]),
    ]:
        for order in orders:
            TierAttainment.objects.create(
                staff=staff[name], tier=tiers[order - 1], reached_at=now - timedelta(days=30)
            )
    TierAttainment.objects.create(
        staff=staff["Percival Yarrowmere"],
        tier=tiers[0],
        reached_at=now - timedelta(days=90),
        lapsed_at=now - timedelta(days=20),
    )
    return SimpleNamespace(
        a=a,
        b=b,
        c=c,
        kettleworth=kettleworth,
        staff=staff,
        shared=shared,
        studio=studio,
        foundry=foundry,
        smith=smith,
        lighthouse=lighthouse,
        tiers=tiers,
    )


@pytest.fixture
def as_a(client, org):
    client.force_login(org.a.user)
    return client

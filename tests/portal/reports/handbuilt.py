"""A hand-built organisation for the adoption report's tests, and the helpers they share.

Twenty-one active people (plus one who left) in Sales (10), Support (6), Legal (4, too small to
show anywhere) and no department (1); three roles (Analyst asks Trained, Agent asks Aware,
Contractor asks nothing); two locations. Every expected value below is a literal counted by
hand from the tables `PEOPLE` and `ATTAINMENTS`, with the arithmetic in a comment.

`NOW` is Wednesday 18 November 2026, 12:00 UTC, so "a week ago" is 11 November 12:00 and a
four-week trend ends on 28 Oct, 4 Nov, 11 Nov and 18 Nov (each at 12:00 UTC).

Current tier of everyone at `NOW` (0: none yet), target, and whether at target:

    Sales    S1 Mara Quint  3 /3 yes   S6 Finn Roy    1 /3 no
             S2 Ben Ortiz   1 /1 yes   S7 Gus Hale    0 /3 no
             S3 Cleo Park   3 /3 yes   S8 Hana Ito    0 /3 no
             S4 Dev Shah    1 /1 yes   S9 Ivo Brandt  0 /1 no (reaches Aware after NOW)
             S5 Eve Lund    2 /3 no    S10 Jade Moss  1 /1 yes (pre-boarding: counted from start)
    Support  U1 Kai Dunn    1 /1 yes   U4 Nia Cole    0 /1 no
             U2 Lea Voss    0 /1 no    U5 Omar Fitz   2 /3 no
             (lapsed 13 Nov)           U6 Pia Lang    4 /- (no target)
             U3 Max Bell    1 /1 yes
    Legal    L1 Quinn Ash   3 /3 yes   L3 Saul Beck   1 /3 no
             L2 Rosa Diaz   1 /1 yes   L4 Tara Wynn   0 /- (no target)
    (none)   N1 Uma Reed    1 /1 yes (lapses 31 Dec, after NOW)
    inactive X1 Vic Gone    3 /3 (must count nowhere)

At target now: S1 S2 S3 S4 S10 U1 U3 L1 L2 N1 = 10 of the 19 people whose role asks a tier.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.http import QueryDict

from portal.factories import DepartmentFactory, LocationFactory, RoleFactory, StaffFactory
from portal.people.models import Department, Location, Role, Staff
from portal.reports.scope import report_scope
from portal.reports.selectors import adoption_report
from portal.tiers.models import Tier, TierAttainment

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# code: (name, department, role, location, start date)
PEOPLE = {
    "S1": ("Mara Quint", "Sales", "Analyst", "Leeds", date(2019, 4, 1)),
    "S2": ("Ben Ortiz", "Sales", "Agent", "Leeds", date(2020, 1, 15)),
    "S3": ("Cleo Park", "Sales", "Analyst", "Lisbon", date(2021, 6, 1)),
    "S4": ("Dev Shah", "Sales", "Agent", "Lisbon", date(2023, 3, 3)),
    "S5": ("Eve Lund", "Sales", "Analyst", "Leeds", date(2026, 8, 17)),
    "S6": ("Finn Roy", "Sales", "Analyst", "Leeds", date(2025, 1, 1)),
    "S7": ("Gus Hale", "Sales", "Analyst", "Lisbon", date(2025, 8, 20)),
    "S8": ("Hana Ito", "Sales", "Analyst", "Leeds", date(2026, 9, 30)),
    "S9": ("Ivo Brandt", "Sales", "Agent", "Lisbon", date(2024, 12, 31)),
    "S10": ("Jade Moss", "Sales", "Agent", "Leeds", date(2026, 11, 9)),
    "U1": ("Kai Dunn", "Support", "Agent", "Lisbon", None),
    "U2": ("Lea Voss", "Support", "Agent", "Lisbon", date(2018, 3, 1)),
    "U3": ("Max Bell", "Support", "Agent", "Leeds", date(2026, 7, 1)),
    "U4": ("Nia Cole", "Support", "Agent", "Leeds", date(2026, 7, 15)),
    "U5": ("Omar Fitz", "Support", "Analyst", "Lisbon", date(2026, 10, 26)),
    "U6": ("Pia Lang", "Support", "Contractor", "Leeds", date(2025, 2, 10)),
    "L1": ("Quinn Ash", "Legal", "Analyst", "Leeds", date(2016, 5, 5)),
    "L2": ("Rosa Diaz", "Legal", "Agent", "Lisbon", date(2026, 8, 3)),
    "L3": ("Saul Beck", "Legal", "Analyst", "Leeds", date(2023, 1, 10)),
    "L4": ("Tara Wynn", "Legal", "Contractor", "Lisbon", date(2020, 2, 2)),
    "N1": ("Uma Reed", None, "Agent", "Leeds", date(2024, 5, 5)),
    "X1": ("Vic Gone", "Sales", "Analyst", "Leeds", date(2019, 1, 1)),  # inactive
}

# code: [(tier, reached_at, lapsed_at or None)], cumulative like the engine writes them.
ATTAINMENTS = {
    "S1": [
        ("Aware", at(9, 1), None),
        ("Informed", at(9, 20), None),
        ("Trained", at(10, 14), None),
        ("Engaged", at(10, 20), at(11, 12)),  # lapsed last week: back to Trained
    ],
    "S2": [("Aware", at(10, 21, 15), None)],
    "S3": [
        ("Aware", at(10, 1, 8), None),
        ("Informed", at(10, 15, 8), None),
        ("Trained", at(11, 2, 8), None),
    ],
    "S4": [("Aware", at(11, 16, 10), None)],  # reached the target this week
    "S5": [("Aware", at(9, 10), None), ("Informed", at(10, 1), None)],
    "S6": [("Aware", at(10, 10, 10), None)],
    "S9": [("Aware", at(11, 25), None)],  # after NOW: not counted
    "S10": [("Aware", at(11, 1, 10), None)],  # before starting on 9 Nov: counts from 9 Nov
    "U1": [("Aware", at(11, 12, 11, 30), None)],  # this week (13 Nov in Auckland)
    "U2": [("Aware", at(9, 1, 10), at(11, 13, 9))],  # target lapsed this week
    "U3": [("Aware", at(11, 17, 14), None), ("Informed", at(11, 20), None)],  # 2nd after NOW
    "U5": [("Aware", at(11, 3, 10), None), ("Informed", at(11, 10, 10), None)],
    "U6": [
        ("Aware", at(8, 1), None),
        ("Informed", at(8, 15), None),
        ("Trained", at(9, 1), None),
        ("Engaged", at(9, 15), None),
    ],
    "L1": [
        ("Aware", at(8, 1), None),
        ("Informed", at(8, 10), None),
        ("Trained", at(9, 1), None),
    ],
    "L2": [("Aware", at(10, 1), None)],
    "L3": [("Aware", at(11, 15, 10), None)],
    "N1": [("Aware", at(11, 12, 13), datetime(2026, 12, 31, tzinfo=UTC))],  # lapses after NOW
    "X1": [
        ("Aware", at(9, 1), None),
        ("Informed", at(9, 15), None),
        ("Trained", at(10, 1), None),
    ],
}

# A reporting line three levels deep under Mara Quint (S1): S1 > S3 > S5 > S6.
MANAGERS = {
    "S2": "S1",
    "S3": "S1",
    "U1": "S1",
    "S4": "S3",
    "S5": "S3",
    "U5": "S3",
    "X1": "S3",  # inactive: in the line, but counts nowhere
    "S6": "S5",
    "L2": "L1",
    "L3": "L1",
    "L4": "L1",
}

TIER_COLUMNS = [
    "Reached Aware",
    "Reached Informed",
    "Reached Trained",
    "Reached Engaged",
    "Reached Champion",
]


@dataclass
class Org:
    staff: dict[str, Staff]
    departments: dict[str, Department]
    roles: dict[str, Role]
    locations: dict[str, Location]
    manager_user: object


def build_organisation(suffix: str = "") -> dict[str, Staff]:
    """The people, their lines and their attainment periods (departments, roles and locations
    are shared by name, so a second call doubles the people of the same groups)."""
    tiers = {tier.name: tier for tier in Tier.objects.all()}
    roles = {
        "Analyst": RoleFactory(name="Analyst", target_tier=tiers["Trained"]),
        "Agent": RoleFactory(name="Agent", target_tier=tiers["Aware"]),
        "Contractor": RoleFactory(name="Contractor", target_tier=None),
    }
    departments = {name: DepartmentFactory(name=name) for name in ("Sales", "Support", "Legal")}
    locations = {name: LocationFactory(name=name) for name in ("Leeds", "Lisbon")}
    staff = {}
    for code, (name, department, role, location, start) in PEOPLE.items():
        staff[code] = StaffFactory(
            display_name=name + suffix,
            department=departments.get(department),
            role=roles[role],
            location=locations[location],
            start_date=start,
            active=code != "X1",
        )
    for code, boss in MANAGERS.items():
        staff[code].manager = staff[boss]
        staff[code].save(update_fields=["manager"])
    TierAttainment.objects.bulk_create(
        TierAttainment(staff=staff[code], tier=tiers[tier], reached_at=reached, lapsed_at=lapsed)
        for code, periods in ATTAINMENTS.items()
        for tier, reached, lapsed in periods
    )
    return staff


def report(user, params: str = "period=4w", *, staff=None, now=NOW):
    scope = report_scope(user=user, staff=staff, params=QueryDict(params))
    return adoption_report(scope=scope, now=now)


def rows(table):
    return [list(row) for row in table.rows]


def breakdown(adoption, key):
    return next(table for table in adoption.breakdowns if table.key == key)

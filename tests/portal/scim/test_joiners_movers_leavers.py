"""Joiners, movers and leavers from the identity provider, end to end into the adoption report
(issue 21): nothing but SCIM calls in the shapes Entra ID sends change the directory, and the
next report (its numbers by the selectors a leader's page uses, a manager's named list over
HTTP) shows the change.

Everyone here is a joiner by SCIM: two departments of seven, each with its head as everyone's
manager, and a third manager, Olga, who manages nobody yet. Then one person of Sales moves to
Support under Olga (Entra ID's PATCH: department by its extension path, the manager as a bare
id), and one person of Sales leaves (Entra ID's `active` as the text "False"). The report's
organisation frame is read before each change, so a report that did not notice the change
(a stale copy of the directory) would fail.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from portal.factories import UserFactory
from portal.people.models import Role, Staff
from portal.reports.scope import report_scope
from portal.reports.selectors import adoption_report
from portal.tiers.models import EngagementEvent, Tier, TierAttainment

from .conftest import CORE, ENTERPRISE

pytestmark = pytest.mark.django_db
SALES = ["Ada Brennan", "Ben Corrigan", "Cara Dunne", "Dan Egan", "Eve Fahy", "Finn Gallagher"]
SUPPORT = ["Gus Hanlon", "Hana Ivers", "Ian Joyce", "Jo Kavanagh", "Kim Lynch", "Lou Maher"]
MOVER, LEAVER = "Ben Corrigan", "Cara Dunne"


def _entra_user(name: str, department: str, manager: str | None = None) -> dict:
    address = name.lower().replace(" ", ".") + "@contoso.example"
    extension = {"employeeNumber": f"E-{address.split('@')[0]}", "department": department}
    if manager:
        extension["manager"] = manager  # Entra ID sends the manager as the bare id
    return {
        "schemas": [CORE, ENTERPRISE],
        "externalId": f"aad-{address}",
        "userName": address,
        "active": True,
        "displayName": name,
        "title": "Agent",
        "emails": [{"primary": True, "type": "work", "value": address}],
        "addresses": [{"type": "work", "locality": "Dublin", "country": "IE"}],
        ENTERPRISE: extension,
    }


def _join(scim, name, department, manager=None) -> str:
    response = scim.post("Users", _entra_user(name, department, manager))
    assert response.status_code == 201, response.json()
    return response.json()["id"]


def _patch(scim, pk, operations):
    response = scim.patch(f"Users/{pk}", operations)
    assert response.status_code == 200, response.json()


@pytest.fixture
def organisation(scim):
    ids = {
        "Mona Sales": _join(scim, "Mona Sales", "Sales"),
        "Nils Support": _join(scim, "Nils Support", "Support"),
        "Olga Newline": _join(scim, "Olga Newline", "Support"),
    }
    for name in SALES:
        ids[name] = _join(scim, name, "Sales", manager=ids["Mona Sales"])
    for name in SUPPORT:
        ids[name] = _join(scim, name, "Support", manager=ids["Nils Support"])
    # The programme's side: Agents are asked to reach Aware, and some have.
    aware = Tier.objects.get(order=1)
    Role.objects.filter(name="Agent").update(target_tier=aware)
    long_ago = timezone.now() - timedelta(days=30)
    for name in ("Mona Sales", MOVER, LEAVER, "Dan Egan", "Gus Hanlon"):
        TierAttainment.objects.create(staff_id=ids[name], tier=aware, reached_at=long_ago)
    EngagementEvent.objects.create(
        staff_id=ids[LEAVER], kind="faq_viewed", source="web", occurred_at=long_ago
    )
    # The managers have accounts (linked at their first sign-in).
    for name in ("Mona Sales", "Olga Newline"):
        Staff.objects.filter(pk=ids[name]).update(user=UserFactory())
    return ids


def _report(user):
    scope = report_scope(user=user, staff=None, params=QueryDict("period=4w"))
    return adoption_report(scope=scope)


def _by_department(user) -> dict[str, list]:
    table = next(t for t in _report(user).breakdowns if t.key == "by_department")
    labels = [column.label for column in table.columns]
    return {
        row[0]: dict(zip(labels, row, strict=True))
        for row in (list(r) for r in table.rows)
        if row[0] in ("Sales", "Support")
    }


def _line_names(client, ids, manager) -> list[str] | None:
    """The names in `manager`'s own people table, as their CSV download gives them; None when
    they manage nobody (no report is theirs to see)."""
    client.force_login(Staff.objects.get(pk=ids[manager]).user)
    response = client.get(reverse("reports_csv"), {"table": "people"})
    if response.status_code == 403:
        return None
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    header = rows.index([]) + 1
    return sorted(row[0] for row in rows[header + 1 :])


def test_a_mover_is_in_their_new_department_and_line_in_the_next_report(
    scim, organisation, leader_user, client
):
    ids = organisation
    before = _by_department(leader_user)
    assert (before["Sales"]["People"], before["Support"]["People"]) == (7, 8)
    assert (before["Sales"]["At or above target"], before["Support"]["At or above target"]) == (
        4,  # Mona, Ben, Cara, Dan
        1,  # Gus
    )
    assert MOVER in _line_names(client, ids, "Mona Sales")
    assert _line_names(client, ids, "Olga Newline") is None

    _patch(
        scim,
        ids[MOVER],
        [
            {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Support"},
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": ids["Olga Newline"]},
        ],
    )

    after = _by_department(leader_user)
    assert (after["Sales"]["People"], after["Support"]["People"]) == (6, 9)
    # Ben's Aware went with him: it is his, not his department's.
    assert (after["Sales"]["At or above target"], after["Support"]["At or above target"]) == (3, 2)
    assert MOVER not in _line_names(client, ids, "Mona Sales")
    assert _line_names(client, ids, "Olga Newline") == [MOVER]
    assert TierAttainment.objects.filter(staff_id=ids[MOVER]).count() == 1


def test_a_leaver_is_out_of_the_next_report_with_their_history_kept(
    scim, organisation, leader_user, client
):
    ids = organisation
    headline = _report(leader_user).headline
    assert (headline.people, headline.at_target) == (15, 5)
    assert LEAVER in _line_names(client, ids, "Mona Sales")

    _patch(scim, ids[LEAVER], [{"op": "Replace", "path": "active", "value": "False"}])

    headline = _report(leader_user).headline
    assert (headline.people, headline.with_target, headline.at_target) == (14, 14, 4)
    sales = _by_department(leader_user)["Sales"]
    assert (sales["People"], sales["At or above target"]) == (6, 3)
    assert LEAVER not in _line_names(client, ids, "Mona Sales")
    # Left, not gone: the person, their attainment period and their events all stay.
    leaver = Staff.objects.get(pk=ids[LEAVER])
    assert not leaver.active and leaver.department.name == "Sales"
    assert TierAttainment.objects.filter(staff=leaver).count() == 1
    assert EngagementEvent.objects.filter(staff=leaver).count() == 1
    # Read by the identity provider, they are a User who is not active (Entra ID's disabled).
    assert scim.get(f"Users/{ids[LEAVER]}").json()["active"] is False

    # Taken back: counted again, with the history they had.
    _patch(scim, ids[LEAVER], [{"op": "Replace", "path": "active", "value": "True"}])
    headline = _report(leader_user).headline
    assert (headline.people, headline.at_target) == (15, 5)

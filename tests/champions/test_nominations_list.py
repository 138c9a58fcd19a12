"""Every nomination in the Wagtail admin (a snippet viewset): the people put forward, by how
many colleagues, the latest reason, and what became of them; filters, search, sorting, pages,
an export with every reason; for people who run the programme only."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from champions.models import Champion, Nomination
from champions.services.nominations import nomination_create, nomination_endorse
from portal.factories import DepartmentFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = "champions_nominations:list"


def _nominated(name: str, *reasons: str, department=None, at=None) -> Nomination:
    """`name` put forward by one colleague per reason (through the service, as on the portal)."""
    nominee = StaffFactory(display_name=name, **({"department": department} if department else {}))
    for n, reason in enumerate(reasons):
        nominator = StaffFactory(display_name=f"{name} colleague {n}")
        nomination = nomination_create(nominator=nominator, nominee=nominee, reason=reason)
    if at:
        Nomination.objects.filter(pk=nomination.pk).update(created_at=at)
    return nomination


def _listed(client, **params) -> list[str]:
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return [n.nominee.display_name for n in response.context["object_list"]]


def test_every_nomination_is_listed_with_its_colleagues_and_latest_reason(
    client, community_manager
):
    _nominated("Ada Quiet", "Answers every question in the support channel.")
    _nominated("Bo Loud", "Ran the brown-bag session.", "Wrote our onboarding guide & FAQ.")
    client.force_login(community_manager)

    response = client.get(reverse(LIST))

    html = response.content.decode()
    assert "Ada Quiet" in html and "Bo Loud" in html
    rows = {n.nominee.display_name: n for n in response.context["object_list"]}
    assert rows["Bo Loud"].colleagues == 2 and rows["Ada Quiet"].colleagues == 1
    assert "Wrote our onboarding guide &amp; FAQ." in html  # escaped in the page
    assert rows["Ada Quiet"].decision == "Not decided yet"
    record = reverse("champions_person", args=[rows["Ada Quiet"].nominee_id])
    assert f'href="{record}"' in html
    assert reverse(LIST).encode() in client.get(reverse("wagtailadmin_home")).content


def test_filters_search_and_sorting(client, community_manager):
    support = DepartmentFactory(name="Support")
    _nominated("Ada", "Kind.", department=support, at=datetime(2026, 3, 1, tzinfo=UTC))
    bo = _nominated("Bo", "Patient.", "Clear.", at=datetime(2026, 4, 1, tzinfo=UTC))
    cy = _nominated("Cy", "Bold idea.", at=datetime(2026, 5, 1, tzinfo=UTC))
    Champion.objects.create(staff=cy.nominee, status=Champion.Status.ACTIVE)
    nomination_endorse(nomination=bo, endorser=StaffFactory(), allowed=True)
    client.force_login(community_manager)

    assert _listed(client) == ["Cy", "Bo", "Ada"]  # the newest first
    assert _listed(client, decision="undecided") == ["Bo", "Ada"]
    assert _listed(client, decision="active") == ["Cy"]
    assert _listed(client, endorsed="true") == ["Bo"]
    assert _listed(client, endorsed="false") == ["Cy", "Ada"]
    assert _listed(client, department=support.pk) == ["Ada"]
    assert _listed(client, created_at_from="2026-03-15", created_at_to="2026-04-15") == ["Bo"]
    assert _listed(client, q="Bold idea") == ["Cy"]  # a reason
    assert _listed(client, q="ada") == ["Ada"]  # a name
    assert _listed(client, ordering="-colleagues")[0] == "Bo"
    assert _listed(client, ordering="nominee__display_name") == ["Ada", "Bo", "Cy"]
    assert "No nomination matches these filters." in (
        client.get(reverse(LIST), {"q": "nobody-at-all"}).content.decode()
    )


def test_nobody_nominated_yet_says_so(client, community_manager):
    client.force_login(community_manager)
    assert b"Nobody has been nominated yet." in client.get(reverse(LIST)).content


def test_pages_of_fifty(client, community_manager):
    for n in range(51):
        _nominated(f"Person {n:02d}", "Helpful.")
    client.force_login(community_manager)
    assert len(_listed(client)) == 50
    assert len(_listed(client, p=2)) == 1


def test_the_list_takes_the_same_queries_however_long_it_is(client, community_manager):
    _nominated("One", "Kind.")
    client.force_login(community_manager)
    client.get(reverse(LIST))  # warm caches (site, menu)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse(LIST))
    for n in range(10):
        _nominated(f"More {n}", "Kind.", "Clear.")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(reverse(LIST)).context["object_list"]) == 11
    assert len(many) == len(one)


def test_the_export_has_every_reason_and_quotes_formulas(client, community_manager):
    _nominated('=HYPERLINK("https://evil.example")', "First reason.", "+SUM(A1) second.")
    client.force_login(community_manager)

    response = client.get(reverse(LIST), {"export": "csv"})

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert header[:2] == ["Nominated", "Email"] and "Reasons" in header
    assert row[0].startswith("'=HYPERLINK")
    reasons = row[header.index("Reasons")]
    assert "First reason." in reasons and "+SUM(A1) second." in reasons
    assert not reasons.startswith(("=", "+", "-", "@"))
    assert row[header.index("Colleagues who nominated them")] == "2"
    assert row[header.index("In the programme")] == "Not decided yet"
    assert client.get(reverse(LIST), {"export": "xlsx"}).status_code == 200


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_people_who_do_not_run_the_programme_are_refused(client, role_users, who):
    _nominated("Ada", "Kind.")
    client.force_login(role_users[who])
    assert client.get(reverse(LIST), follow=True).status_code == 403


def test_admin_users_who_do_not_run_the_programme_get_403_and_no_menu_item(client, db):
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get(reverse(LIST)).status_code == 403
    assert reverse(LIST).encode() not in client.get(reverse("wagtailadmin_home")).content


def test_nobody_adds_or_edits_a_nomination_here(client, community_manager):
    nomination = _nominated("Ada", "Kind.")
    client.force_login(community_manager)
    for name, args in (("add", []), ("edit", [nomination.pk]), ("delete", [nomination.pk])):
        response = client.get(reverse(f"champions_nominations:{name}", args=args))
        assert response.status_code in (302, 403)
    assert Nomination.objects.filter(pk=nomination.pk).exists()

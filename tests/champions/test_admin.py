"""The list of unmatched community activity in the Wagtail admin (a snippet viewset: filters,
search, sorting, pages, export) and its resolve view: for community managers."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from champions.intake import Activity
from champions.models import CommunityAccount, UnmatchedActivity
from champions.services import intake as services
from portal.factories import StaffFactory, UserFactory
from portal.tiers.models import EngagementEvent

pytestmark = pytest.mark.django_db

LIST = "champions_unmatched:list"


def _waiting(n=1, username="Stranger", email="", action="reply") -> UnmatchedActivity:
    return UnmatchedActivity.objects.create(
        source_id=f"discourse:post:{n}",
        action=action,
        occurred_at=datetime(2025, 3, n, 12, 0, tzinfo=UTC),
        username=username,
        email=email,
        url=f"https://forum.example.com/t/x/1/{n}",
    )


def _act(client, item, *, follow=False, **data):
    return client.post(reverse("champions_unmatched:resolve", args=[item.pk]), data, follow=follow)


def test_community_manager_sees_the_waiting_activity_and_the_menu_item(client, community_manager):
    _waiting(username="forum_fan", email="fan@elsewhere.example")
    client.force_login(community_manager)

    response = client.get(reverse(LIST))

    assert response.status_code == 200
    assert b"forum_fan" in response.content and b"fan@elsewhere.example" in response.content
    assert b'href="https://forum.example.com/t/x/1/1"' in response.content
    assert b"on forum.example.com" in response.content  # where the link goes, in plain sight
    assert b"csrfmiddlewaretoken" in response.content
    assert reverse(LIST).encode() in client.get(reverse("wagtailadmin_home")).content


def test_assigning_records_the_event_and_remembers_the_username(client, community_manager):
    ann = StaffFactory(email="ann@example.com")
    item, later, other = _waiting(1), _waiting(2, username="STRANGER"), _waiting(3, "someone")
    client.force_login(community_manager)

    response = _act(
        client,
        item,
        **{
            "action": "assign",
            f"item-{item.pk}-person": "ANN@example.com",
            f"item-{item.pk}-remember": "on",
        },
    )

    assert response.status_code == 302
    events = EngagementEvent.objects.order_by("occurred_at")
    assert [(e.staff, e.kind, e.subject, e.source) for e in events] == [
        (ann, "community_contributed", "reply", "webhook")
    ] * 2
    assert [e.idempotency_key for e in events] == [
        "community:discourse:post:1",
        "community:discourse:post:2",
    ]
    assert CommunityAccount.objects.get(staff=ann).username == "stranger"
    for waiting in (item, later):
        waiting.refresh_from_db()
        assert waiting.resolved_at is not None and waiting.staff == ann
    other.refresh_from_db()
    assert other.resolved_at is None
    page = client.get(reverse(LIST))
    assert b"Recorded the reply for" in page.content and b"with 1 more by Stranger" in page.content

    # From now on the username matches by itself.
    outcome = services.activity_record(
        activity=Activity(
            source_id="discourse:post:9",
            action="post",
            occurred_at=datetime(2025, 4, 1, tzinfo=UTC),
            username="Stranger",
        ),
        source="webhook",
    )
    assert outcome == "recorded"
    assert EngagementEvent.objects.filter(staff=ann).count() == 3


def test_assigning_by_employee_id_without_remembering(client, community_manager):
    bob = StaffFactory(employee_id="E-42")
    item = _waiting()
    client.force_login(community_manager)

    _act(client, item, **{"action": "assign", f"item-{item.pk}-person": "E-42"})

    assert EngagementEvent.objects.get().staff == bob
    assert not CommunityAccount.objects.exists()


def test_an_unknown_person_is_said_so_and_nothing_is_recorded(client, community_manager):
    item = _waiting()
    client.force_login(community_manager)

    response = _act(
        client, item, **{"action": "assign", f"item-{item.pk}-person": "nobody@x.example"}
    )

    assert response.status_code == 400
    assert b"No one in the staff directory has that email or employee id." in response.content
    assert not EngagementEvent.objects.exists()
    item.refresh_from_db()
    assert item.resolved_at is None


def test_a_username_that_belongs_to_someone_else_is_not_moved(client, community_manager):
    owner = StaffFactory(display_name="Owner Person")
    StaffFactory(email="ann@example.com")
    CommunityAccount.objects.create(staff=owner, username="stranger")
    item = _waiting()
    client.force_login(community_manager)

    response = _act(
        client,
        item,
        follow=True,
        **{
            "action": "assign",
            f"item-{item.pk}-person": "ann@example.com",
            f"item-{item.pk}-remember": "on",
        },
    )

    assert b"already belongs to Owner Person" in response.content
    assert not EngagementEvent.objects.exists()
    assert CommunityAccount.objects.get(username="stranger").staff == owner
    item.refresh_from_db()
    assert item.resolved_at is None


def test_dismissing_takes_it_off_the_list_without_an_event(client, community_manager):
    item = _waiting()
    client.force_login(community_manager)

    _act(client, item, action="dismiss")

    item.refresh_from_db()
    assert item.resolved_at is not None and item.staff is None
    assert not EngagementEvent.objects.exists()
    page = client.get(reverse(LIST)).content
    assert b"Dismissed the reply by Stranger." in page
    assert b"All community activity is matched to staff." in page


@pytest.mark.parametrize("who", ["staff", "leader"])
def test_people_who_do_not_run_the_programme_are_refused(client, role_users, who):
    item = _waiting()
    StaffFactory(email="ann@example.com")
    client.force_login(role_users[who])

    assert client.get(reverse(LIST), follow=True).status_code == 403
    response = _act(
        client, item, **{"action": "assign", f"item-{item.pk}-person": "ann@example.com"}
    )
    assert response.status_code in (302, 403)
    assert not EngagementEvent.objects.exists()


def test_admin_users_who_do_not_run_the_programme_get_403_and_no_menu_item(client, db):
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    item = _waiting()
    StaffFactory(email="ann@example.com")
    client.force_login(editor)

    assert client.get(reverse(LIST)).status_code == 403
    response = _act(
        client, item, **{"action": "assign", f"item-{item.pk}-person": "ann@example.com"}
    )
    assert response.status_code == 403
    assert reverse(LIST).encode() not in client.get(reverse("wagtailadmin_home")).content
    assert not EngagementEvent.objects.exists()


def test_posting_without_the_csrf_token_is_refused(community_manager):
    item = _waiting()
    StaffFactory(email="ann@example.com")
    client = Client(enforce_csrf_checks=True)
    client.force_login(community_manager)

    response = _act(
        client, item, **{"action": "assign", f"item-{item.pk}-person": "ann@example.com"}
    )

    assert response.status_code == 403
    assert not EngagementEvent.objects.exists()


def test_the_list_takes_the_same_queries_however_long_it_is(client, community_manager):
    client.force_login(community_manager)
    _waiting(1)
    client.get(reverse(LIST))  # warm caches (site, menu)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(LIST)).status_code == 200
    for n in range(2, 12):
        _waiting(n, username=f"user{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(LIST))
    assert response.content.count(b'name="action" value="assign"') == 11
    assert len(many) == len(one)


# The viewset: filters, search, sorting, pages, export


def _listed(client, **params) -> list[str]:
    response = client.get(reverse(LIST), params)
    assert response.status_code == 200
    return [item.username for item in response.context["object_list"]]


def test_filters_search_and_sorting(client, community_manager):
    ann = StaffFactory(email="ann@example.com")
    _waiting(1, username="aaron", action="post")
    _waiting(2, username="zed", action="like")
    assigned, dismissed = _waiting(3, username="mia"), _waiting(4, username="noah")
    services.unmatched_resolve(item=assigned, staff=ann, remember_username=False)
    services.unmatched_dismiss(item=dismissed)
    client.force_login(community_manager)

    assert _listed(client) == ["aaron", "zed"]  # what waits, oldest first
    assert _listed(client, state="assigned") == ["mia"]
    assert _listed(client, state="dismissed") == ["noah"]
    assert sorted(_listed(client, state="all")) == ["aaron", "mia", "noah", "zed"]
    assert _listed(client, action="like") == ["zed"], "action"
    assert _listed(client, occurred_at_from="2025-03-02", occurred_at_to="2025-03-02") == ["zed"]
    assert _listed(client, q="aar") == ["aaron"]
    assert _listed(client, q="forum.example.com/t/x/1/2") == ["zed"]  # the link
    assert _listed(client, ordering="-username") == ["zed", "aaron"]
    assert _listed(client, ordering="-occurred_at") == ["zed", "aaron"]
    html = client.get(reverse(LIST), {"state": "assigned"}).content.decode()
    assert "Assigned to" in html and "No unmatched activity" not in html
    assert (
        "No unmatched activity matches these filters."
        in client.get(reverse(LIST), {"q": "nobody-at-all"}).content.decode()
    )


def test_pages_of_fifty(client, community_manager):
    for n in range(1, 52):
        UnmatchedActivity.objects.create(
            source_id=f"csv:{n}",
            action="reply",
            occurred_at=datetime(2025, 3, 1, 12, 0, tzinfo=UTC),
            username=f"user{n:02d}",
        )
    client.force_login(community_manager)
    assert len(_listed(client)) == 50
    assert _listed(client, p=2) == ["user51"]


def test_the_export_quotes_text_a_spreadsheet_would_run(client, community_manager):
    _waiting(1, username='=HYPERLINK("https://evil.example")', email="@sum@example.com")
    _waiting(2, username="plain")
    client.force_login(community_manager)

    response = client.get(reverse(LIST), {"export": "csv"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["Action", "Username", "Email"]
    assert "State" in rows[0] and "Assigned to" in rows[0]
    assert (
        rows[1][1] == '\'=HYPERLINK("https://evil.example")' and rows[1][2] == "'@sum@example.com"
    )
    assert rows[2][1] == "plain" and rows[2][rows[0].index("State")] == "Waiting"
    xlsx = client.get(reverse(LIST), {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")


def test_a_refused_assignment_shows_the_item_alone_and_keeps_the_list_to_return_to(
    client, community_manager
):
    item = _waiting()
    client.force_login(community_manager)
    back = reverse(LIST) + "?action=reply&p=1"

    response = _act(
        client, item, **{"action": "assign", f"item-{item.pk}-person": "x", "next": back}
    )
    assert response.status_code == 400
    assert f'name="next" value="{back}"'.replace("&", "&amp;") in response.content.decode()

    StaffFactory(email="ann@example.com")
    done = _act(
        client,
        item,
        **{"action": "assign", f"item-{item.pk}-person": "ann@example.com", "next": back},
    )
    assert done.status_code == 302 and done["Location"] == back
    away = _act(client, _waiting(2), action="dismiss", next="https://elsewhere.example/")
    assert away["Location"] == reverse(LIST)
    page = client.get(reverse("champions_unmatched:resolve", args=[item.pk]))
    assert page.status_code == 200 and "Someone has dealt with this activity already." in (
        page.content.decode()
    )


def test_nobody_adds_edits_or_deletes_a_row_by_hand(client, community_manager):
    item = _waiting()
    client.force_login(community_manager)
    for name, args in (("add", []), ("edit", [item.pk]), ("delete", [item.pk])):
        response = client.get(reverse(f"champions_unmatched:{name}", args=args))
        assert response.status_code in (302, 403), name
    assert UnmatchedActivity.objects.get(pk=item.pk).resolved_at is None

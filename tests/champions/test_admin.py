"""The review list of unmatched community activity, in the Wagtail admin: for community managers."""

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

LIST = "champions_admin_unmatched"


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
    return client.post(
        reverse("champions_admin_unmatched_item", args=[item.pk]), data, follow=follow
    )


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

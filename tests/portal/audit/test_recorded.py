"""What the audit log records, action by action: reads of named reports and their exports,
admin list exports, champion decisions, staff imports and their undo, and roles that follow
the identity provider. Each entry names people by id only."""

import pytest
from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import reverse

from champions.services.programme import champion_decide
from portal import permissions
from portal.accounts.services import roles_sync
from portal.audit.models import AuditEntry
from portal.audit.services import record
from portal.factories import DepartmentFactory, StaffFactory, UserFactory
from portal.people.importing import staff_import, staff_import_undo
from tests.portal.people import csv_bytes

pytestmark = pytest.mark.django_db


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("pk"))


def no_names_in(entry: AuditEntry, *people) -> None:
    """The row holds no name, username or email of anyone involved."""
    row = " ".join(
        str(v)
        for v in AuditEntry.objects.filter(pk=entry.pk)
        .values_list("target_type", "target_id", "target_label", "detail")
        .get()
    ).lower()
    for person in people:
        for text in (
            getattr(person, "display_name", ""),
            getattr(person, "email", ""),
            getattr(person, "username", ""),
            getattr(person, "first_name", ""),
        ):
            assert not text or text.lower() not in row, text


# The service itself


def test_record_refuses_an_action_nobody_registered(staff_user):
    with pytest.raises(ValueError, match="Unknown audit action"):
        record(actor=staff_user, action="report.veiwed", target="Adoption report")
    assert not AuditEntry.objects.exists()


def test_a_person_is_kept_as_an_id_and_the_portal_as_no_actor():
    person = StaffFactory(display_name="Wilhelmina Quorndon")
    entry = record(actor=None, action="erasure.done", target=person, detail={"tables": 3})
    entry.refresh_from_db()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        None,
        "portal.staff",
        str(person.pk),
    )
    assert entry.target_label == "" and entry.detail == {"tables": 3}
    no_names_in(entry, person)


# The adoption report: named pages and every download


@pytest.fixture
def line():
    """A manager with an account and six people under them, one department."""
    sales = DepartmentFactory(name="Sales")
    head = StaffFactory(display_name="Marguerite Oakhampton", department=sales, user=UserFactory())
    people = StaffFactory.create_batch(6, department=sales, manager=head)
    return head, people


def test_a_managers_named_page_is_recorded_each_time_and_a_search_without_its_words(client, line):
    head, people = line
    client.force_login(head.user)
    assert client.get(reverse("reports")).status_code == 200
    assert client.get(reverse("reports"), {"q": people[0].display_name}).status_code == 200
    assert client.get(reverse("reports"), {"page": "1"}, HTTP_HX_REQUEST="true").status_code == 200

    viewed = entries("report.viewed")
    assert len(viewed) == 3
    assert {(e.actor_id, e.target_type, e.target_id) for e in viewed} == {
        (head.user.pk, "portal.staff", str(head.pk))
    }
    assert viewed[0].detail == {"output": "page", "names": True}
    assert viewed[1].detail == {"output": "page", "names": True, "searched": True}
    for entry in viewed:
        no_names_in(entry, head, head.user, people[0])


def test_a_leaders_page_names_nobody_and_is_not_recorded_but_every_download_is(
    client, line, leader_user
):
    head, _ = line
    sales = head.department
    client.force_login(leader_user)
    assert client.get(reverse("reports")).status_code == 200
    assert not AuditEntry.objects.exists()

    for name, query in [
        ("reports_pdf", {}),
        ("reports_xlsx", {"department": sales.pk}),
        ("reports_csv", {"table": "by_role", "period": "4w"}),
    ]:
        assert client.get(reverse(name), query).status_code == 200
    exported = entries("report.exported")
    assert [e.detail for e in exported] == [
        {"output": "pdf", "names": False},
        {"output": "xlsx", "names": False, "department": str(sales.pk)},
        {"output": "csv", "names": False, "table": "by_role", "period": "4w"},
    ]
    assert {e.target_label for e in exported} == {"Adoption report: whole organisation"}
    assert {e.actor_id for e in exported} == {leader_user.pk}


def test_a_managers_named_download_says_it_names_people(client, line):
    head, _ = line
    client.force_login(head.user)
    assert client.get(reverse("reports_xlsx")).status_code == 200
    (entry,) = entries("report.exported")
    assert entry.detail == {"output": "xlsx", "names": True}
    assert entry.target_id == str(head.pk)


def test_a_refused_report_records_nothing(client, line, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("reports_csv")).status_code == 403
    assert not AuditEntry.objects.exists()


# Admin lists taken away


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_exporting_the_staff_directory_is_recorded_with_its_filters(
    client, community_manager, export
):
    sales = DepartmentFactory(name="Sales")
    StaffFactory.create_batch(3, department=sales)
    client.force_login(community_manager)
    url = reverse("wagtailsnippets_portal_staff:list")
    response = client.get(url, {"export": export, "department": sales.pk, "q": "Ann"})
    assert response.status_code == 200
    (entry,) = entries("list.exported")
    assert entry.actor_id == community_manager.pk
    assert entry.target_label == "staff"
    assert entry.detail == {"format": export, "department": str(sales.pk), "searched": True}


def test_exporting_the_messages_sent_is_recorded(client, community_manager):
    client.force_login(community_manager)
    assert client.get(reverse("portal_outbox:index"), {"export": "csv"}).status_code == 200
    (entry,) = entries("list.exported")
    assert entry.detail == {"format": "csv"}


def test_exporting_a_report_view_of_the_admin_is_recorded_by_its_title(client, community_manager):
    client.force_login(community_manager)
    response = client.get(reverse("faq_admin_helpfulness"), {"export": "xlsx"})
    assert response.status_code == 200
    (entry,) = entries("list.exported")
    assert (entry.target_label, entry.detail) == ("Helpfulness of entries", {"format": "xlsx"})


def test_browsing_a_list_is_not_an_export(client, community_manager):
    client.force_login(community_manager)
    assert client.get(reverse("wagtailsnippets_portal_staff:list")).status_code == 200
    assert not AuditEntry.objects.exists()


# Champion decisions


def test_each_champion_decision_is_recorded_with_who_decided_and_not_the_reason(
    community_manager,
):
    person = StaffFactory(display_name="Cornelius Abernathy-Vyle")
    champion_decide(staff=person, decision="defer", by=community_manager, reason="Ask Cornelius")
    champion_decide(staff=person, decision="invite", by=community_manager)
    decided = entries("champion.decided")
    assert [e.detail["decision"] for e in decided] == ["defer", "invite"]
    assert [e.detail["status"] for e in decided] == ["deferred", "invited"]
    assert {(e.actor_id, e.target_type, e.target_id) for e in decided} == {
        (community_manager.pk, "portal.staff", str(person.pk))
    }
    for entry in decided:
        no_names_in(entry, person)
        assert "ask" not in str(entry.detail).lower()


def test_a_refused_decision_leaves_no_entry(community_manager):
    person = StaffFactory()
    with pytest.raises(Exception, match="Give a reason"):
        champion_decide(staff=person, decision="dismiss", by=community_manager, reason=" ")
    champion_decide(staff=person, decision="invite", by=community_manager)
    with pytest.raises(Exception, match="cannot be changed"):
        champion_decide(staff=person, decision="defer", by=community_manager, reason="later")
    assert [e.detail["decision"] for e in entries("champion.decided")] == ["invite"]


# Staff imports


ROWS = [
    "E1,boss@example.com,Bo Boss,Sales,Director,Leeds,,2019-05-01",
    "E2,ann@example.com,Ann Report,Sales,Account manager,Leeds,boss@example.com,2021-02-01",
]


def test_an_applied_import_and_its_undo_are_recorded_and_a_preview_or_refusal_is_not(
    community_manager,
):
    staff_import(data=csv_bytes(*ROWS), dry_run=True, by=community_manager)
    staff_import(data=csv_bytes("E9,not-an-email,X,,,,,"), by=community_manager)
    assert not AuditEntry.objects.exists()

    result = staff_import(data=csv_bytes(*ROWS), by=community_manager)
    (imported,) = entries("staff.imported")
    assert imported.actor_id == community_manager.pk
    assert imported.target_type == "portal.directoryimport"
    assert imported.target_id == str(result.import_id)
    assert imported.detail == {
        "mode": "update",
        "rows": 2,
        "created": 2,
        "updated": 0,
        "deactivated": 0,
    }
    staff_import_undo(import_id=result.import_id, by=community_manager)
    (undone,) = entries("staff.import_undone")
    assert (undone.actor_id, undone.target_id) == (community_manager.pk, str(result.import_id))


# Roles from the identity provider


@override_settings(SSO_GROUPS_LEADERS=["idp-leaders"], SSO_GROUPS_COMMUNITY_MANAGERS=["idp-cm"])
def test_roles_the_identity_provider_changes_are_recorded_once_per_change():
    user = UserFactory()
    roles_sync(user=user, groups={"idp-leaders", "everyone"})
    roles_sync(user=user, groups={"idp-leaders"})  # nothing changed: no entry
    roles_sync(user=user, groups={"idp-cm"})
    changed = entries("access.changed")
    assert [e.detail["changes"]["groups"] for e in changed] == [
        [[], [permissions.LEADERS]],
        [[permissions.LEADERS], [permissions.COMMUNITY_MANAGERS]],
    ]
    assert {(e.actor_id, e.target_id, e.detail["source"]) for e in changed} == {
        (None, str(user.pk), "identity provider")
    }
    assert set(user.groups.values_list("name", flat=True)) == {permissions.COMMUNITY_MANAGERS}
    assert Group.objects.filter(name=permissions.LEADERS).exists()

"""Edits in the Wagtail admin that the audit log records as before and after: a tier's
requirements, a role's target tier, someone's place in the directory, an account's groups
(one by one and in bulk), the champion score's settings, and deletions. Each form is read from
its page and sent back with one change, as a browser would."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from champions.models import ScoreSettings
from portal import permissions
from portal.audit.models import AuditEntry
from portal.factories import RoleFactory, StaffFactory, UserFactory
from portal.tiers.models import Tier
from tests.html_forms import forms_and_links

pytestmark = pytest.mark.django_db


def form_of(client, url: str) -> dict[str, list[str]]:
    """The values the edit form at `url` would send unchanged."""
    page = client.get(url)
    assert page.status_code == 200
    forms, _, _ = forms_and_links(page.content.decode(), url)
    posted = [f for f in forms if f.method == "post" and f.action.split("?")[0] == url]
    return max(posted, key=lambda f: len(f.fields)).data()  # not the empty "unlock" form


def send(client, url: str, data: dict) -> None:
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]


def only(action: str) -> AuditEntry:
    (entry,) = AuditEntry.objects.filter(action=action)
    return entry


def test_changing_a_tiers_requirement_records_before_and_after(client, community_manager):
    tier = Tier.objects.get(order=1)
    url = reverse("wagtailsnippets_portal_tier:edit", args=[tier.pk])
    client.force_login(community_manager)
    data = form_of(client, url)
    index = next(
        k.split("-")[1]
        for k, v in data.items()
        if k.endswith("-event_kind") and v == ["faq_viewed"]
    )
    before = data[f"requirements-{index}-min_count"][0]
    data[f"requirements-{index}-min_count"] = ["7"]
    send(client, url, data)

    entry = only("tier.changed")
    assert (entry.actor_id, entry.target_id, entry.target_label) == (
        community_manager.pk,
        str(tier.pk),
        "1. Aware",
    )
    old, new = entry.detail["changes"]["requirements"]
    assert any("faq_viewed" in r and f"min_count={before}" in r for r in old)
    assert any("faq_viewed" in r and "min_count=7" in r for r in new)
    assert set(entry.detail["changes"]) == {"requirements"}  # nothing else changed


def test_saving_a_tier_unchanged_records_nothing(client, community_manager):
    tier = Tier.objects.get(order=2)
    url = reverse("wagtailsnippets_portal_tier:edit", args=[tier.pk])
    client.force_login(community_manager)
    send(client, url, form_of(client, url))
    assert not AuditEntry.objects.exists()


def test_a_roles_target_tier_created_changed_and_deleted(client, community_manager):
    aware, trained = Tier.objects.get(order=1), Tier.objects.get(order=3)
    client.force_login(community_manager)
    add = reverse("wagtailsnippets_portal_role:add")
    send(client, add, {"name": "Solution engineer", "target_tier": aware.pk})
    role = RoleFactory._meta.model.objects.get(name="Solution engineer")
    assert only("role.created").detail == {
        "values": {"name": "Solution engineer", "target_tier": "1. Aware"}
    }

    url = reverse("wagtailsnippets_portal_role:edit", args=[role.pk])
    data = form_of(client, url)
    data["target_tier"] = [str(trained.pk)]
    send(client, url, data)
    assert only("role.changed").detail == {"changes": {"target_tier": ["1. Aware", "3. Trained"]}}

    send(client, reverse("wagtailsnippets_portal_role:delete", args=[role.pk]), {})
    deleted = only("role.deleted")
    assert (deleted.target_type, deleted.target_id, deleted.target_label) == (
        "portal.role",
        str(role.pk),
        "Solution engineer",
    )
    assert deleted.detail == {"values": {"name": "Solution engineer", "target_tier": "3. Trained"}}


def test_moving_someone_to_another_role_and_manager_keeps_ids_for_people(client, community_manager):
    old_role, new_role = RoleFactory(name="Agent"), RoleFactory(name="Team lead")
    old_boss = StaffFactory(display_name="Ottoline Brackenbury")
    new_boss = StaffFactory(display_name="Peregrine Ashdown")
    person = StaffFactory(display_name="Quentin Marlowe", role=old_role, manager=old_boss)
    url = reverse("wagtailsnippets_portal_staff:edit", args=[person.pk])
    client.force_login(community_manager)
    data = form_of(client, url)
    data["role"], data["manager"] = [str(new_role.pk)], [str(new_boss.pk)]
    send(client, url, data)

    entry = only("staff.changed")
    assert entry.detail == {
        "changes": {"role": ["Agent", "Team lead"], "manager": [old_boss.pk, new_boss.pk]}
    }
    row = str(AuditEntry.objects.values_list("target_label", "detail").get())
    for name in ("Ottoline", "Peregrine", "Quentin"):
        assert name not in row


def test_a_superuser_giving_someone_a_role_in_the_users_admin(client, superuser):
    someone = UserFactory()
    leaders = Group.objects.get(name=permissions.LEADERS)
    url = reverse("wagtailusers_users:edit", args=[someone.pk])
    client.force_login(superuser)
    data = form_of(client, url)
    data["groups"] = [str(leaders.pk)]
    send(client, url, data)

    entry = only("access.changed")
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.target_label) == (
        superuser.pk,
        "auth.user",
        str(someone.pk),
        "",
    )
    assert entry.detail == {"changes": {"groups": [[], [permissions.LEADERS]]}}


def test_the_users_lists_bulk_role_and_deactivation_are_recorded_per_account(client, superuser):
    one, two = UserFactory(), UserFactory()
    managers = Group.objects.get(name=permissions.COMMUNITY_MANAGERS)
    client.force_login(superuser)
    base = "/admin/bulk/auth/user/"
    ids = f"?id={one.pk}&id={two.pk}"
    response = client.post(f"{base}assign_role/{ids}", {"role": managers.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(f"{base}set_active_state/{ids}", {"mark_as_active": "False"})
    assert response.status_code == 302, response.content.decode()[:2000]

    changes = sorted(
        (
            (int(e.target_id), e.actor_id, e.detail["changes"])
            for e in AuditEntry.objects.filter(action="access.changed")
        ),
        key=lambda c: (c[0], list(c[2])),
    )
    assert changes == [
        (one.pk, superuser.pk, {"groups": [[], [permissions.COMMUNITY_MANAGERS]]}),
        (one.pk, superuser.pk, {"is_active": [True, False]}),
        (two.pk, superuser.pk, {"groups": [[], [permissions.COMMUNITY_MANAGERS]]}),
        (two.pk, superuser.pk, {"is_active": [True, False]}),
    ]


def test_changing_the_champion_scores_weights(client, community_manager):
    settings = ScoreSettings.current()
    url = reverse("wagtailsettings:edit", args=["champions", "scoresettings", settings.pk])
    client.force_login(community_manager)
    data = form_of(client, url)
    data["nominations"], data["threshold"] = ["6"], ["12.5"]
    send(client, url, data)
    assert only("score_settings.changed").detail == {
        "changes": {"nominations": [4.0, 6.0], "threshold": [20.0, 12.5]}
    }

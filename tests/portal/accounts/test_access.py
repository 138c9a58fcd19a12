"""Access follows the directory: someone the HR import marks as left loses their sessions and
cannot sign in; someone back in the directory can again."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from portal.factories import StaffFactory, UserFactory
from portal.people.importing import staff_import
from tests.portal.people import csv_bytes

from .conftest import browser

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
STAYS = "E1,stays@example.com,Stay Here,Sales,Agent,Leeds,,2020-01-01"
LEAVES = "E2,leaves@example.com,Lee Leaves,Sales,Agent,Leeds,,2020-01-01"


def test_leaving_in_the_hr_import_ends_open_sessions_and_sign_in():
    staff_import(data=csv_bytes(STAYS, LEAVES))
    stays_user = UserFactory(email="stays@example.com")
    leaves_user = UserFactory(email="leaves@example.com")
    for user in (stays_user, leaves_user):
        StaffFactory._meta.model.objects.filter(email=user.email).update(user=user)
    superuser = UserFactory(is_superuser=True)  # in no directory entry: untouched
    sessions = {}
    for user in (stays_user, leaves_user):
        sessions[user.pk] = browser()
        sessions[user.pk].force_login(user)
        assert sessions[user.pk].get(reverse("my_path")).status_code == 200

    full = staff_import(data=csv_bytes(STAYS), deactivate_missing=True, departures_confirmed=1)
    assert full.deactivated == 1

    assert sessions[stays_user.pk].get(reverse("my_path")).status_code == 200
    ended = sessions[leaves_user.pk].get(reverse("my_path"))
    assert ended.status_code == 302 and ended["Location"].startswith(reverse("account_login"))
    refused = browser().post(
        reverse("account_login"), {"login": "leaves@example.com", "password": PASSWORD}
    )
    assert refused.status_code == 302 and refused["Location"] == reverse("account_inactive")
    assert b"This account is closed" in browser().get(refused["Location"]).content
    superuser.refresh_from_db()
    assert superuser.is_active

    assert staff_import(data=csv_bytes(STAYS, LEAVES)).ok  # back in the file
    back = browser()
    answer = back.post(
        reverse("account_login"), {"login": "leaves@example.com", "password": PASSWORD}
    )
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert get_user_model().objects.get(pk=leaves_user.pk).is_active


def test_marking_someone_inactive_in_the_admin_ends_their_access(client, community_manager):
    leaver = UserFactory()
    person = StaffFactory(email=leaver.email, user=leaver)
    session = browser()
    session.force_login(leaver)
    client.force_login(community_manager)
    edit = reverse("wagtailsnippets_portal_staff:edit", args=[person.pk])
    form = client.get(edit).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["active"] = ""
    response = client.post(edit, data)
    assert response.status_code == 302, response.content[:2000]
    person.refresh_from_db()
    assert not person.active
    assert session.get(reverse("my_path")).status_code == 302

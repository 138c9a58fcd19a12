"""The rollout waves in the Wagtail admin: only community managers, and the whole path of
planning a wave, filling it, starting it and reading how it does."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.factories import (
    DepartmentFactory,
    LocationFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)
from portal.rollout.models import Invitation, Wave, WaveMember, WaveRule
from portal.rollout.pulse import pulse_answer
from portal.tiers.services import engagement_record
from tests.outbox import delivered

pytestmark = pytest.mark.django_db


@pytest.fixture
def wave():
    return Wave.objects.create(name="Pilot", starts_on=date(2026, 11, 2))


def _urls(wave):
    gets = [
        reverse("rollout:index"),
        reverse("rollout:add"),
        reverse("rollout_wave_detail", args=[wave.pk]),
        reverse("rollout:edit", args=[wave.pk]),
        reverse("rollout_wave_start", args=[wave.pk]),
        reverse("rollout_department_chooser:choose"),
        reverse("rollout_role_chooser:choose_results"),
        reverse("rollout_location_chooser:chosen", args=[1]),
    ]
    posts = [
        reverse("rollout:add"),
        reverse("rollout:edit", args=[wave.pk]),
        reverse("rollout:delete", args=[wave.pk]),
        reverse("rollout_wave_add_by_rules", args=[wave.pk]),
        reverse("rollout_wave_add_from_list", args=[wave.pk]),
        reverse("rollout_wave_add_member", args=[wave.pk]),
        reverse("rollout_wave_move_member", args=[wave.pk]),
        reverse("rollout_wave_start", args=[wave.pk]),
    ]
    return gets, posts


@pytest.mark.parametrize("who", ["staff_user", "leader_user"])
def test_everyone_but_community_managers_is_refused_everywhere(client, request, who, wave):
    """Without admin access the Wagtail admin refuses first (to sign-in, which answers 403)."""
    client.force_login(request.getfixturevalue(who))
    gets, posts = _urls(wave)
    for url in gets:
        assert client.get(url, follow=True).status_code == 403, url
    for url in posts:
        assert client.post(url, {"name": "X", "staff": "1"}).status_code in (302, 403), url
    _nothing_changed(wave)


def test_admin_users_who_do_not_run_the_programme_get_403_and_no_menu_item(client, wave):
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    gets, posts = _urls(wave)
    for url in gets:
        assert client.get(url).status_code == 403, url
    for url in posts:
        assert client.post(url, {"name": "X", "staff": "1"}).status_code == 403, url
    assert b"Rollout waves" not in client.get(reverse("wagtailadmin_home")).content
    _nothing_changed(wave)


def _nothing_changed(wave):
    wave.refresh_from_db()
    assert wave.started_at is None and not wave.members.exists() and Wave.objects.count() == 1


def test_posting_without_the_csrf_token_is_refused(community_manager, wave):
    client = Client(enforce_csrf_checks=True)
    client.force_login(community_manager)
    response = client.post(reverse("rollout_wave_start", args=[wave.pk]))
    assert response.status_code == 403
    _nothing_changed(wave)


def test_signed_out_people_are_sent_to_sign_in(client, wave):
    response = client.get(reverse("rollout_wave_detail", args=[wave.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_menu_item_shows_to_community_managers(client, community_manager):
    client.force_login(community_manager)
    assert b"Rollout waves" in client.get(reverse("wagtailadmin_home")).content


def _messages(response):
    return [str(m).strip() for m in get_messages(response.wsgi_request)]


def test_a_community_manager_plans_fills_and_starts_a_wave(
    client, community_manager, django_capture_on_commit_callbacks
):
    sales = DepartmentFactory(name="Sales")
    finance = DepartmentFactory(name="Finance")
    in_sales = StaffFactory.create_batch(3, department=sales)
    outsider = StaffFactory(department=finance, email="out.sider@example.com")
    keen = StaffFactory(display_name="Keen Kim", department=finance)
    for i in range(5):
        engagement_record(
            staff=keen,
            kind="community_contributed",
            subject="reply",
            source="test",
            occurred_at=timezone.now() - timedelta(days=1, minutes=i),
            idempotency_key=f"keen:{i}",
        )
    client.force_login(community_manager)

    # A bad form keeps what was typed and says what is wrong.
    form = {
        "name": "",
        "starts_on": "2026-11-02",
        "sponsor_name": "Jordan Reyes",
        **_rules(initial=0, rows=[{"department": sales.pk}]),
    }
    response = client.post(reverse("rollout:add"), form)
    assert response.status_code == 200
    assert b"This field is required" in response.content
    assert b"Jordan Reyes" in response.content
    assert _chosen(response, "rules-0-department") == str(sales.pk)
    assert not Wave.objects.exists()

    response = client.post(reverse("rollout:add"), {**form, "name": "Sales pilot"})
    wave = Wave.objects.get(name="Sales pilot")
    assert response.status_code == 302
    assert response["Location"] == reverse("rollout_wave_detail", args=[wave.pk])
    assert [(r.department, r.role, r.location) for r in wave.rules.all()] == [(sales, None, None)]

    detail = reverse("rollout_wave_detail", args=[wave.pk])
    response = client.post(reverse("rollout_wave_add_by_rules", args=[wave.pk]), follow=True)
    assert "Added 3 people matching the rules." in _messages(response)
    assert set(wave.members.values_list("staff_id", flat=True)) == {p.pk for p in in_sales}

    # A list with one unknown line: nobody added, the line named.
    upload = reverse("rollout_wave_add_from_list", args=[wave.pk])
    bad = SimpleUploadedFile("list.csv", b"email\nout.sider@example.com\nnobody@example.com\n")
    response = client.post(upload, {"file": bad})
    assert response.status_code == 400
    assert "Line 3: nobody active in the directory is “nobody@example.com”." in (
        response.content.decode()
    )
    assert not wave.members.filter(staff=outsider).exists()
    good = SimpleUploadedFile("list.csv", b"email\nout.sider@example.com\n")
    response = client.post(upload, {"file": good})
    assert response.status_code == 302
    assert "Added 1 person from the list." in _messages(response)
    assert wave.members.get(staff=outsider).source == WaveMember.Source.LIST

    # Suggested first movers, explained, added in one click.
    response = client.get(detail)
    content = response.content.decode()
    assert "Suggested first movers" in content and "Keen Kim" in content
    assert "Community posts and replies, last 90 days" in content
    assert "5 × 0.5 = 2.5" in content
    response = client.post(
        reverse("rollout_wave_add_member", args=[wave.pk]), {"staff": keen.pk}, follow=True
    )
    assert f"Added Keen Kim to “{wave.name}”." in _messages(response)
    assert wave.members.get(staff=keen).source == WaveMember.Source.SUGGESTED
    assert all(s.staff != keen for s in response.context["suggestions"])

    # Starting: a warning first, then the invitations.
    start = reverse("rollout_wave_start", args=[wave.pk])
    response = client.get(start)
    assert response.status_code == 200
    assert "sends an invitation email to 5 members" in response.content.decode()
    assert Wave.objects.get(pk=wave.pk).started_at is None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start)
    assert response.status_code == 302 and response["Location"] == detail
    assert "Invitations are on their way to 5 people." in _messages(response)
    assert Invitation.objects.filter(wave=wave).count() == 5
    assert len(delivered()) == 5

    response = client.post(start, follow=True)
    assert "“Sales pilot” has already started." in _messages(response)
    assert len(delivered()) == 5

    # The wave's page: the funnel, and the list shows it started.
    response = client.get(detail)
    content = response.content.decode()
    assert "How this wave is doing" in content and "Invited" in content
    assert "At their target tier" in content
    listing = client.get(reverse("rollout:index")).content.decode()
    assert "Sales pilot" in listing and "Not yet" not in listing


def _rules(*, initial: int, rows: list[dict]) -> dict:
    """The inline panel's formset as a browser posts it: the management form, then each row
    (its id for a rule already saved, its fields, and DELETE for one removed)."""
    data = {
        "rules-TOTAL_FORMS": str(len(rows)),
        "rules-INITIAL_FORMS": str(initial),
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "3",
    }
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"rules-{i}-{name}"] = "" if value is None else str(value)
    return data


def _chosen(response, name: str) -> str:
    """The value of the chooser's hidden input `name` on the page."""
    match = re.search(
        rf'<input type="hidden" name="{name}" value="([^"]*)"', response.content.decode()
    )
    assert match, name
    return match.group(1)


def _edit_form(wave, **rules) -> dict:
    return {"name": wave.name, "starts_on": wave.starts_on.isoformat(), **_rules(**rules)}


def test_editing_a_wave_replaces_its_rules(client, community_manager, wave):
    sales, finance = DepartmentFactory(name="Sales"), DepartmentFactory(name="Finance")
    emea = LocationFactory(name="EMEA")
    rule = WaveRule.objects.create(wave=wave, department=sales)
    client.force_login(community_manager)
    url = reverse("rollout:edit", args=[wave.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert _chosen(page, "rules-0-department") == str(sales.pk)
    assert "Who is in it" in page.content.decode()

    # Two rules alike: refused by the service, said on the form, nothing written.
    same = [{"id": rule.pk, "department": finance.pk}, {"department": finance.pk}]
    response = client.post(url, _edit_form(wave, initial=1, rows=same))
    assert response.status_code == 200
    assert "Two rules are the same: keep one of them." in response.content.decode()
    assert list(wave.rules.values_list("department", flat=True)) == [sales.pk]

    # The Sales rule deleted, a Finance-in-EMEA rule added: the wave's page after.
    rows = [
        {"id": rule.pk, "department": sales.pk, "DELETE": "on"},
        {"department": finance.pk, "location": emea.pk},
    ]
    response = client.post(url, _edit_form(wave, initial=1, rows=rows))
    assert response.status_code == 302
    assert response["Location"] == reverse("rollout_wave_detail", args=[wave.pk])
    assert "Saved “Pilot”." in _messages(response)
    assert [(r.department, r.location) for r in wave.rules.all()] == [(finance, emea)]
    detail = client.get(response["Location"]).content.decode()
    assert f'href="{url}"' in detail  # "Edit the wave and its rules" leads here


def test_the_services_rules_hold_through_the_viewset(client, community_manager, wave):
    """The form itself would take these; `wave_save` refuses them, for every way in."""
    sales = DepartmentFactory(name="Sales")
    client.force_login(community_manager)
    blank = client.post(
        reverse("rollout:add"),
        {
            "name": "Everyone?",
            "starts_on": "2026-12-01",
            **_rules(
                initial=0, rows=[{"department": "", "role": "", "location": "", "DELETE": ""}]
            ),
        },
    )
    # An untouched extra row is no rule at all: the wave is saved without one.
    assert blank.status_code == 302
    assert not Wave.objects.get(name="Everyone?").rules.exists()

    # A rule emptied beside another would take in everyone: refused in words, nothing written.
    rule = WaveRule.objects.create(wave=wave, department=sales)
    other = WaveRule.objects.create(wave=wave, role=RoleFactory())
    url = reverse("rollout:edit", args=[wave.pk])
    rows = [
        {"id": rule.pk, "department": "", "role": "", "location": ""},
        {"id": other.pk, "role": other.role_id},
    ]
    response = client.post(url, {**_edit_form(wave, initial=2, rows=rows), "name": "Renamed"})
    assert response.status_code == 200
    assert "A rule with nothing chosen takes in everyone" in response.content.decode()
    wave.refresh_from_db()
    assert wave.name == "Pilot"
    assert sorted(wave.rules.values_list("pk", flat=True)) == [rule.pk, other.pk]
    assert wave.rules.get(pk=rule.pk).department == sales
    other.delete()

    # A wave started while the form was open stays started after the form is saved.
    started = timezone.now()
    Wave.objects.filter(pk=wave.pk).update(started_at=started)
    rows = [{"id": rule.pk, "department": sales.pk}]
    response = client.post(url, {**_edit_form(wave, initial=1, rows=rows), "name": "Renamed"})
    assert response.status_code == 302
    wave.refresh_from_db()
    assert (wave.name, wave.started_at) == ("Renamed", started)


def test_only_people_who_run_the_programme_add_or_edit_waves(client, wave):
    sales = DepartmentFactory(name="Sales")
    editor = UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    data = {
        "name": "Mine",
        "starts_on": "2026-12-01",
        **_rules(initial=0, rows=[{"department": sales.pk}]),
    }
    for url in (reverse("rollout:add"), reverse("rollout:edit", args=[wave.pk])):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert list(Wave.objects.values_list("name", flat=True)) == ["Pilot"]
    assert not wave.rules.exists()


def test_pulse_results_and_comments_show_without_names(client, community_manager, wave):
    sales = DepartmentFactory(name="Sales")
    wave.started_at = timezone.now()
    wave.save(update_fields=["started_at"])
    for i, person in enumerate(StaffFactory.create_batch(5, department=sales)):
        WaveMember.objects.create(wave=wave, staff=person, source="list")
        pulse_answer(
            staff=person,
            confidence=4,
            what_would_help="More examples please" if i == 0 else "",
        )
    client.force_login(community_manager)
    content = client.get(reverse("rollout_wave_detail", args=[wave.pk])).content.decode()
    assert "Pulse checks by wave" in content and "Pulse checks by department" in content
    assert "4.0" in content
    assert "More examples please" in content


def test_the_wave_pages_queries_do_not_grow_with_members(client, community_manager, wave):
    client.force_login(community_manager)
    url = reverse("rollout_wave_detail", args=[wave.pk])
    for person in StaffFactory.create_batch(2):
        WaveMember.objects.create(wave=wave, staff=person, source="list")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for person in StaffFactory.create_batch(6):
        WaveMember.objects.create(wave=wave, staff=person, source="list")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("rollout:index"))
    Wave.objects.create(name="Second", starts_on=date(2027, 1, 4))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("rollout:index"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_rules_say_how_many_they_left_in_another_wave(
    client, community_manager, django_capture_on_commit_callbacks
):
    sales = DepartmentFactory(name="Sales")
    people = StaffFactory.create_batch(7, department=sales)
    earlier = Wave.objects.create(name="Earlier", starts_on=date(2026, 10, 5))
    for person in people[:2]:
        WaveMember.objects.create(wave=earlier, staff=person, source="list")
    everyone = Wave.objects.create(name="Everyone", starts_on=date(2026, 11, 2))
    WaveRule.objects.create(wave=everyone, department=sales)
    client.force_login(community_manager)
    url = reverse("rollout_wave_add_by_rules", args=[everyone.pk])

    response = client.post(url, follow=True)
    assert (
        "Added 5 people matching the rules; 2 already in another wave were left where they are."
        in _messages(response)
    )
    response = client.post(url, follow=True)
    assert (
        "Nobody new was added: 2 people matching the rules are already in another wave and "
        "were left where they are." in _messages(response)
    )
    start = client.get(reverse("rollout_wave_start", args=[everyone.pk])).content.decode()
    assert "sends an invitation email to 5 members" in start


def test_a_suggestion_in_another_wave_is_left_there_and_moving_is_on_purpose(
    client, community_manager, django_capture_on_commit_callbacks
):
    ann = StaffFactory(display_name="Ann Lee", email="ann@example.com")
    earlier = Wave.objects.create(name="Earlier", starts_on=date(2026, 10, 5))
    WaveMember.objects.create(wave=earlier, staff=ann, source="list")
    later = Wave.objects.create(name="Later", starts_on=date(2026, 11, 2))
    client.force_login(community_manager)

    response = client.post(
        reverse("rollout_wave_add_member", args=[later.pk]), {"staff": ann.pk}, follow=True
    )
    assert any(
        "Ann Lee is in “Earlier” already and was left there" in m for m in _messages(response)
    )
    assert (
        client.post(
            reverse("rollout_wave_add_member", args=[later.pk]), {"staff": "9" * 40}
        ).status_code
        == 404
    )

    move = reverse("rollout_wave_move_member", args=[later.pk])
    nobody = client.post(move, {"person": "nobody@example.com"})
    assert nobody.status_code == 400
    assert "Nobody active in the staff directory has that email" in nobody.content.decode()
    response = client.post(move, {"person": "ANN@example.com"}, follow=True)
    assert "Moved Ann Lee into “Later”." in _messages(response)
    assert list(ann.waves.values_list("wave__name", flat=True)) == ["Later"]

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("rollout_wave_start", args=[later.pk]))
    back = client.post(
        reverse("rollout_wave_move_member", args=[earlier.pk]), {"person": "ann@example.com"}
    )
    assert back.status_code == 409
    assert "people are not moved out of a wave that has started" in back.content.decode()
    assert list(ann.waves.values_list("wave__name", flat=True)) == ["Later"]


def test_a_list_names_who_it_left_in_another_wave(client, community_manager):
    ann = StaffFactory(display_name="Ann Lee", email="ann@example.com")
    StaffFactory(email="bo@example.com")
    earlier = Wave.objects.create(name="Earlier", starts_on=date(2026, 10, 5))
    WaveMember.objects.create(wave=earlier, staff=ann, source="list")
    later = Wave.objects.create(name="Later", starts_on=date(2026, 11, 2))
    client.force_login(community_manager)

    upload = SimpleUploadedFile("list.csv", b"email\nann@example.com\nbo@example.com\n")
    response = client.post(
        reverse("rollout_wave_add_from_list", args=[later.pk]), {"file": upload}, follow=True
    )
    assert (
        "Added 1 person from the list; 1 already in another wave was left where they are: "
        "Ann Lee (“Earlier”)." in _messages(response)
    )


def test_the_waves_list_filters_searches_sorts_and_exports(client, community_manager):
    started = Wave.objects.create(
        name="Pilot", starts_on=date(2026, 10, 5), started_at=timezone.now(), sponsor_name="Kim"
    )
    planned = Wave.objects.create(
        name='=HYPERLINK("https://evil.example")',
        starts_on=date(2027, 1, 4),
        open_to_volunteers=True,
    )
    for person in StaffFactory.create_batch(3):
        WaveMember.objects.create(wave=started, staff=person, source="list")
    client.force_login(community_manager)
    url = reverse("rollout:index")

    def names(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return [wave.name for wave in response.context["object_list"]]

    assert names() == ["Pilot", planned.name]  # earliest planned first
    assert names(started="true") == ["Pilot"]
    assert names(started="false") == [planned.name]
    assert names(open_to_volunteers="true") == [planned.name]
    assert names(starts_on_from="2027-01-01") == [planned.name]
    assert names(q="pil") == ["Pilot"]
    assert names(q="kim") == ["Pilot"]  # the sponsor
    assert names(ordering="-member_count") == ["Pilot", planned.name]
    assert names(ordering="-starts_on") == [planned.name, "Pilot"]
    html = client.get(url).content.decode()
    assert f'href="{reverse("rollout_wave_detail", args=[started.pk])}"' in html
    assert f'href="{reverse("rollout:add")}"' in html and "Add a wave" in html
    assert "No wave matches these filters." in client.get(url, {"q": "zzz"}).content.decode()

    response = client.get(url, {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert body[0].startswith("Name,Planned start,Started,Size limit,Open to volunteers,Members")
    assert body[1].startswith("Pilot,2026-10-05,") and ",3,0,0,Kim" in body[1]
    assert body[2].startswith('"\'=HYPERLINK(""https://evil.example"")"')


def test_the_waves_list_has_pages_of_fifty(client, community_manager):
    Wave.objects.bulk_create(
        Wave(name=f"Wave {n:02d}", starts_on=date(2026, 1, 1) + timedelta(days=n))
        for n in range(51)
    )
    client.force_login(community_manager)
    first = client.get(reverse("rollout:index")).context["object_list"]
    second = client.get(reverse("rollout:index"), {"p": 2}).context["object_list"]
    assert len(first) == 50 and [w.name for w in second] == ["Wave 50"]

"""A person's download, on the demo data: every kind of record they have, counted against the
database by the foreign keys themselves (not by the registry the download is built from), and
nothing about anyone else beyond what the person sees on the portal."""

import io
import json
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from portal.models import Staff
from portal.privacy.export import person_data, person_data_zip
from portal.privacy.holdings import Person, holdings, person_links

pytestmark = pytest.mark.django_db

User = get_user_model()
# Kinds of record the demo person has (the small demo and `demo_enrich`): the download
# check below is a real one, not a pass over empty files.
KINDS = {
    "account.json",
    "attainments.json",
    "calendar_feed.json",
    "certificates.json",
    "champion.json",
    "community_account.json",
    "community_activity_matched.json",
    "digest_subscription.json",
    "directory_entry.json",
    "email_addresses.json",
    "events.json",
    "faq_questions.json",
    "faq_votes.json",
    "invitations.json",
    "lesson_completions.json",
    "messages.json",
    "module_completions.json",
    "nominations_of_you.json",
    "nominations_you_made.json",
    "office_hours_bookings.json",
    "pilot_waves.json",
    "preferences.json",
    "pulse_checks.json",
    "quiz_attempts.json",
    "video_progress.json",
}


def _zip(person: Person) -> dict[str, object]:
    content = person_data_zip(person=person, portal_name="Portal")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: archive.read(name).decode()
            if name.endswith(".txt")
            else json.loads(archive.read(name))
            for name in archive.namelist()
        }


def _rows_by_foreign_keys(person: Person) -> dict[str, int]:
    """For each model, how many rows name the person through a link the registry calls theirs,
    read straight from the foreign keys (and, for messages, also by address)."""
    theirs = {h.label: h for h in holdings()}
    counts: dict[str, Q] = {}
    for field in person_links():
        label = field.model._meta.label
        if field.name not in theirs[label].links:
            continue
        target = person.staff if field.related_model is Staff else person.user
        if target is not None:
            counts[label] = counts.get(label, Q()) | Q(**{field.name: target})
    counts["portal.Staff"] = Q(pk=person.staff.pk)
    counts["auth.User"] = Q(pk=person.user.pk)
    counts["portal.Message"] |= Q(to__iexact=person.staff.email)
    return {
        label: theirs[label].model._default_manager.filter(q).count() for label, q in counts.items()
    }


def test_the_download_holds_every_kind_of_record_the_person_has(demo):
    files = _zip(demo.person)
    exported = {h.label: h.export.name for h in holdings() if h.export is not None}
    in_database = _rows_by_foreign_keys(demo.person)
    had = {label: n for label, n in in_database.items() if n}
    for label, n in had.items():
        if label in exported:
            assert len(files[f"{exported[label]}.json"]) == n, label
    # What the registry leaves out on purpose is all the demo person has beyond the download
    assert set(had) - set(exported) <= {"wagtailcore.Page"}
    # and the demo person has records of most kinds
    kinds = {name for name, records in files.items() if records and name != "README.txt"}
    assert kinds >= KINDS, KINDS - kinds


def test_the_records_are_the_persons_own(demo):
    files = _zip(demo.person)
    staff, user = demo.person.staff, demo.person.user
    assert files["directory_entry.json"] == [
        {
            "employee_id": staff.employee_id,
            "name": staff.display_name,
            "email": staff.email,
            "department": staff.department.name,
            "role": staff.role.name,
            "location": staff.location.name,
            "start_date": staff.start_date.isoformat(),
            "active": True,
        }
    ]
    assert [e["kind"] for e in files["events.json"]] == list(
        staff.events.order_by("occurred_at", "pk").values_list("kind", flat=True)
    )
    assert files["nominations_you_made.json"][0]["nominee"] == demo.colleague.display_name
    assert files["nominations_you_made.json"][0]["reason"] == "Patient with every newcomer."
    assert files["champion.json"][0]["about_me"] == f"I'm {staff.display_name}, ask me anything."
    assert {m["to"].lower() for m in files["messages.json"]} == {user.email}
    assert all("body" not in m for m in files["messages.json"])  # it may hold a sign-in link
    assert files["README.txt"].startswith("Your data from Portal")


def test_nobody_elses_data_is_in_the_download(demo):
    """No other person's name, email or employee id, nor another account's username, except
    the colleague the person nominated (they see that nomination on My path). Nor what the
    colleague who nominated them wrote, or a community manager's note on their decision."""
    text = json.dumps(_zip(demo.person), ensure_ascii=False).lower()
    others = Staff.objects.exclude(pk__in=[demo.person.staff.pk, demo.colleague.pk])
    assert others.count() >= 4
    for name, email, employee_id in others.values_list("display_name", "email", "employee_id"):
        for identifier in (name, email, employee_id):
            assert identifier.lower() not in text, identifier
    for username in User.objects.exclude(pk=demo.person.user.pk).values_list("username", flat=True):
        assert f'"{username.lower()}"' not in text, username
    assert "explains it best" not in text  # the admirer's reason
    assert "was nominated twice" not in text  # the decision's note


def test_someone_without_records_gets_empty_files(db):
    from portal.factories import UserFactory

    kinds = person_data(person=Person.of_user(UserFactory()))
    assert {k.name for k in kinds if k.records} == {"account"}
    assert len(kinds) == len([h for h in holdings() if h.export is not None])


def test_the_download_costs_one_query_per_kind_whatever_the_person_has(
    demo, django_assert_num_queries, django_assert_max_num_queries
):
    from portal.factories import UserFactory

    kinds = len([h for h in holdings() if h.export is not None])
    with django_assert_num_queries(kinds):
        person_data(person=demo.person)
    nobody = Person.of_user(UserFactory())  # no directory entry: nothing to look up by it
    with django_assert_max_num_queries(kinds):
        person_data(person=nobody)

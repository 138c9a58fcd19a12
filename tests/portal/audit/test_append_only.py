"""On PostgreSQL the database itself keeps the audit log append-only: an UPDATE or DELETE of
an entry fails, through the ORM or in raw SQL, and the transaction that tried is rolled back
with it. Adding entries, and deleting an account that made some, still work."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from portal.audit.models import AuditEntry
from portal.audit.services import record
from portal.factories import StaffFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the append-only trigger is PostgreSQL's (migration 0022_audit_log)",
    ),
]


@pytest.fixture
def entry():
    actor = UserFactory()
    return record(actor=actor, action="champion.decided", target=StaffFactory(), detail={"a": 1})


def refused(change) -> str:
    with pytest.raises(DatabaseError) as caught, transaction.atomic():
        change()
    return str(caught.value)


@pytest.mark.parametrize(
    "change",
    [
        lambda: AuditEntry.objects.update(action="report.viewed"),
        lambda: AuditEntry.objects.filter(action="champion.decided").delete(),
        lambda: AuditEntry.objects.all()._raw_delete(connection.alias),
    ],
    ids=["orm update", "orm delete", "raw delete"],
)
def test_the_orm_cannot_change_or_delete_an_entry(entry, change):
    assert "append-only" in refused(change)
    entry_now = AuditEntry.objects.get()
    assert (entry_now.pk, entry_now.action, entry_now.detail) == (entry.pk, entry.action, {"a": 1})


def test_nor_can_sql_on_the_apps_connection(entry):
    def sql(statement):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(statement, [entry.pk])

        return run

    table = AuditEntry._meta.db_table
    assert "UPDATE" in refused(sql(f"UPDATE {table} SET detail = '{{}}' WHERE id = %s"))  # noqa: S608
    assert "DELETE" in refused(sql(f"DELETE FROM {table} WHERE id = %s"))  # noqa: S608
    assert AuditEntry.objects.get().detail == {"a": 1}


def test_a_refused_change_takes_its_whole_transaction_with_it(entry):
    person = StaffFactory(display_name="Before")

    def rename_and_tamper():
        type(person).objects.filter(pk=person.pk).update(display_name="After")
        AuditEntry.objects.filter(pk=entry.pk).update(target_id="0")

    refused(rename_and_tamper)
    person.refresh_from_db()
    assert person.display_name == "Before"


def test_entries_are_still_added_and_their_actor_can_be_deleted(entry):
    record(actor=None, action="erasure.done", target="someone", detail={})
    get_user_model().objects.filter(pk=entry.actor_id).delete()  # no cascade, no SET NULL
    assert AuditEntry.objects.count() == 2
    assert AuditEntry.objects.get(pk=entry.pk).actor_id == entry.actor_id

"""Data built once for a module of read-only tests: inside a transaction rolled back when the
module ends. Each test's own transaction is a savepoint within it, so what a test writes is gone
before the next test, and what the module built is gone before the next module."""

from contextlib import contextmanager

from django.db import transaction


@contextmanager
def rolled_back_after(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)

"""Caches every server must agree on (issue 19): the menu's page addresses, the FAQ search's
common stems and who may see Reports are kept in the shared cache and forgotten for every
process once the change that moves them commits.

The cache is a private redis-server. "Another server" is a second Python process reading the
same database and cache (PostgreSQL: it must see what this one commits), asked questions over
a pipe; and, on any database, this process with its cache connections dropped.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.local import Local
from django.core.cache import caches as cache_handler
from django.db import transaction

from faq.factories import FAQIndexPageFactory
from faq.selectors import faq_guide_url
from portal.factories import StaffFactory, UserFactory
from portal.models import HomePage
from portal.reports.scope import reports_visible
from portal.settings.cache import caches
from portal.shared_cache import CachedFamily
from tests.peers.redis_server import RedisServer
from tests.peers.web import database_url

ROOT = Path(__file__).resolve().parent.parent.parent
ANSWERS = """
import sys

import django

django.setup()

from django.contrib.auth import get_user_model

from faq.selectors import faq_guide_url
from portal.reports.scope import reports_visible

for line in sys.stdin:
    what, *who = line.split()
    if what == "faq":
        print(faq_guide_url() or "-", flush=True)
    else:
        print(reports_visible(get_user_model().objects.get(pk=int(who[0]))), flush=True)
"""


@pytest.fixture
def shared_cache(settings):
    server = RedisServer().start()
    settings.CACHES = caches(server.url)
    yield server
    server.stop()


def _another_server_here() -> None:
    """This process as another server would be: no cache connection or client of its own."""
    for alias in list(cache_handler):
        cache_handler[alias].close()
    cache_handler._connections = Local(cache_handler.thread_critical)


class AnotherServer:
    """A second process with the portal's settings, this test's database and the same cache."""

    def __init__(self, tmp_path: Path, cache_url: str):
        (tmp_path / "other_server_settings.py").write_text(
            "from portal.settings.test import *  # noqa\n"
            "from portal.settings.cache import caches\n"
            f"CACHES = caches({cache_url!r})\n"
        )
        environment = {
            **os.environ,
            "PYTHONPATH": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "other_server_settings",
            "DATABASE_URL": database_url(),
        }
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-c", ANSWERS],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, question: str) -> str:
        self.process.stdin.write(question + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().strip()
        assert answer, "the other server stopped"
        return answer

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)
        self.process.stdout.close()


@pytest.fixture
def another_server(transactional_db, tmp_path, shared_cache):
    server = AnotherServer(tmp_path, shared_cache.url)
    yield server
    server.stop()


@pytest.mark.postgres
def test_another_server_sees_a_renamed_guide_and_a_new_manager_at_once(another_server):
    guide = FAQIndexPageFactory(parent=HomePage.objects.get(), slug="faq")
    boss, report = UserFactory(), StaffFactory()
    boss_staff = StaffFactory(user=boss)
    assert another_server.ask("faq") == "/faq/"  # now kept in the shared cache
    assert another_server.ask(f"reports {boss.pk}") == "False"

    guide.slug = "guide"
    guide.save_revision().publish()
    report.manager = boss_staff
    report.save()

    assert another_server.ask("faq") == "/guide/"
    assert another_server.ask(f"reports {boss.pk}") == "True"
    assert faq_guide_url() == "/guide/" and reports_visible(boss)


@pytest.mark.postgres
def test_what_another_server_caches_before_a_publish_commits_is_not_kept(another_server):
    """The race a delete in the publish signal lost (Wagtail sends `page_published` inside the
    publishing transaction): the other server reads the database between the signal and the
    commit, and caches what it saw."""
    guide = FAQIndexPageFactory(parent=HomePage.objects.get(), slug="faq", live=False)
    assert another_server.ask("faq") == "-"  # no guide yet

    with transaction.atomic():
        guide.save_revision().publish()
        assert another_server.ask("faq") == "-"  # it cannot see the change yet

    assert another_server.ask("faq") == "/faq/"


def test_a_family_forgotten_at_commit_misses_on_every_server(
    shared_cache, db, django_capture_on_commit_callbacks
):
    family = CachedFamily("test:family", 300)
    assert family.get("menu", lambda: "before") == "before"

    with django_capture_on_commit_callbacks(execute=True):  # its end is the commit
        family.forget()
        # Another server, reading the database as it was: its answer goes under the old version.
        _another_server_here()
        assert family.get("menu", lambda: "before") == "before"
        # The change is not committed, so nothing is forgotten yet.
        assert family.get("menu", lambda: "after") == "before"

    _another_server_here()
    assert family.get("menu", lambda: "after") == "after"
    assert family.get("menu", lambda: "later") == "after"  # kept again


def test_a_rolled_back_change_forgets_nothing(shared_cache, db, django_capture_on_commit_callbacks):
    family = CachedFamily("test:family", 300)
    family.get("menu", lambda: "kept")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        family.forget()
        raise RuntimeError

    assert callbacks == []

    assert family.get("menu", lambda: "recomputed") == "kept"


def test_with_the_cache_down_the_database_answers_every_time(shared_cache, db):
    family = CachedFamily("test:family", 300)
    shared_cache.stop()

    assert family.get("menu", lambda: "first") == "first"
    assert family.get("menu", lambda: "second") == "second"  # nothing kept, nothing stale

"""The production profile refuses unsafe configuration and passes Django's deploy checks.

Each test starts Python with the production settings and an environment of its own (nothing
from the test run's, such as CI's broker), and reads what it says.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.settings import shared_services

ROOT = Path(__file__).resolve().parent.parent.parent
GOOD_KEY = "k3y-" + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# What several servers share. Nothing listens at these addresses: starting and `check` do not
# connect, so the refusals are about the configuration alone.
SHARED = {
    "CELERY_BROKER_URL": "redis://127.0.0.1:9/0",
    "CACHE_URL": "redis://127.0.0.1:9/1",
    "AWS_STORAGE_BUCKET_NAME": "portal-media",
}
SAFE = {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "portal.example.com", **SHARED}
NOT_INHERITED = {
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "CACHE_DIR",
    "CELERY_RESULT_BACKEND",
    shared_services.SINGLE_SERVER,
    *shared_services.REQUIRED,
}


def _environment(**env) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in NOT_INHERITED and not key.startswith("AWS_")
    }
    return {**environment, **env}


def _manage(*args, **env):
    return _python("manage.py", *args, DJANGO_SETTINGS_MODULE="portal.settings.production", **env)


def _python(*args, **env):
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env=_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", ALLOWED_HOSTS="portal.example.com")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_the_development_key():
    result = _manage(
        "check",
        SECRET_KEY="django-insecure-dev-only-key-never-use-in-production-at-all",
        ALLOWED_HOSTS="portal.example.com",
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _manage("check", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must list" in result.stderr


def test_production_passes_the_deploy_checks_cleanly():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **SAFE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_seed_demo_data():
    result = _manage("seed_demo", DATABASE_URL="sqlite:///:memory:", **SAFE)
    assert result.returncode != 0
    assert "Demo data is for development only" in result.stderr


@pytest.mark.parametrize("name", sorted(shared_services.REQUIRED))
def test_production_refuses_to_start_without_each_shared_service(name):
    result = _manage("check", **{**SAFE, name: ""})

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert shared_services.REQUIRED[name] in result.stderr
    for other in set(shared_services.REQUIRED) - {name}:
        assert shared_services.REQUIRED[other] not in result.stderr
    assert "set PORTAL_SINGLE_SERVER=true" in result.stderr


def test_production_names_every_missing_service_at_once():
    result = _manage("check", SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="portal.example.com")

    assert result.returncode != 0
    assert "CELERY_BROKER_URL must name the broker" in result.stderr
    assert "CACHE_URL must name a cache every server shares" in result.stderr
    assert "AWS_STORAGE_BUCKET_NAME must name the bucket" in result.stderr


def test_a_worker_refuses_as_the_web_process_does():
    """The Celery app reads the web's settings module by default, and so its refusals."""
    environment = {**SAFE, "CELERY_BROKER_URL": ""}
    result = _python("-c", "from portal.celery import app; app.conf.broker_url", **environment)

    assert result.returncode != 0
    assert shared_services.REQUIRED["CELERY_BROKER_URL"] in result.stderr


def test_the_worker_and_the_web_process_read_the_same_settings():
    show = (
        "import os, sys; import portal.{module}; from django.conf import settings; "
        "print(os.environ['DJANGO_SETTINGS_MODULE'], settings.CELERY_BROKER_URL, "
        "settings.CACHES['default']['LOCATION'])"
    )
    web = _python("-c", show.format(module="wsgi"), **SAFE)
    worker = _python("-c", show.format(module="celery"), **SAFE)

    assert web.returncode == 0, web.stderr
    assert (
        worker.stdout
        == web.stdout
        == ("portal.settings.production redis://127.0.0.1:9/0 redis://127.0.0.1:9/1\n")
    )


def test_a_single_server_starts_without_them_and_its_processes_share_a_cache(tmp_path):
    """PORTAL_SINGLE_SERVER=true: no broker (tasks run inline), no bucket (the local folder),
    and no CACHE_URL: the cache is a folder, so one process sees what another stored (the
    per-process memory of the embedded profile would not)."""
    single = {
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": "portal.example.com",
        "PORTAL_SINGLE_SERVER": "true",
        "CACHE_DIR": str(tmp_path / "cache"),
    }
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **single)
    assert result.returncode == 0, result.stdout + result.stderr

    shell = "from django.core.cache import cache; from django.conf import settings; "
    stored = _manage(
        "shell",
        "--no-imports",
        "-c",
        shell + "cache.set('menu', 'from one process', 60); "
        "print(settings.CELERY_TASK_ALWAYS_EAGER, settings.STORAGES['default']['BACKEND'])",
        **single,
    )
    assert stored.returncode == 0, stored.stderr
    assert stored.stdout.split() == ["True", "django.core.files.storage.FileSystemStorage"]
    read = _manage("shell", "--no-imports", "-c", shell + "print(cache.get('menu'))", **single)
    assert read.stdout.strip() == "from one process", read.stderr

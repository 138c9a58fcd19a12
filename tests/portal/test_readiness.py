"""Readiness for load balancers (issue 19): `/readyz` asks the database, the cache, the broker
and the storage, without sign-in, and answers 503 naming the part that failed.

The cache and the broker are each a private redis-server this test starts, configured by the
function production's settings use; a failure is that server stopped for real.
"""

import logging

import pytest
from django.urls import reverse

from portal.settings import storage
from portal.settings.cache import caches
from tests.peers.redis_server import RedisServer
from tests.peers.s3 import s3_server_running

EVERY_PART_OK = "ready\ndatabase: ok\ncache: ok\nbroker: ok\nstorage: ok\n"


@pytest.fixture
def cache_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def broker_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def shared(db, settings, cache_server, broker_server):
    """The portal as several servers run it: a Redis cache and a Redis broker of their own."""
    settings.CACHES = caches(cache_server.url)
    settings.CELERY_BROKER_URL = broker_server.url


def _ready(client):
    response = client.get(reverse("readyz"))
    return response.status_code, response.content.decode()


def test_ready_when_every_service_answers_without_sign_in(client, shared):
    response = client.get(reverse("readyz"))

    assert (response.status_code, response.content.decode()) == (200, EVERY_PART_OK)
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]  # never a stored answer


def test_a_stopped_cache_is_named_and_liveness_still_answers(client, shared, cache_server, caplog):
    cache_server.stop()
    caplog.set_level(logging.WARNING, logger="portal.readiness")

    status, body = _ready(client)

    assert status == 503
    assert body.splitlines() == [
        "not ready: cache",
        "database: ok",
        "cache: failed",
        "broker: ok",
        "storage: ok",
    ]
    assert str(cache_server.port) not in body  # where it failed is for the log only
    assert "Not ready: the cache failed its check" in caplog.text
    assert client.get(reverse("healthz")).status_code == 200  # alive, though not ready


def test_a_stopped_broker_is_named(client, shared, broker_server):
    broker_server.stop()

    status, body = _ready(client)

    assert status == 503
    assert body.splitlines()[0] == "not ready: broker"
    assert "broker: failed" in body and "cache: ok" in body


def test_ready_again_once_the_cache_is_back(client, shared, cache_server):
    cache_server.stop()
    assert _ready(client)[0] == 503

    cache_server.start()  # on the same port: the cache back after an outage

    assert _ready(client) == (200, EVERY_PART_OK)


def test_a_media_folder_that_cannot_be_made_is_named(client, shared, settings, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    settings.MEDIA_ROOT = tmp_path / "a-file" / "media"

    status, body = _ready(client)

    assert status == 503
    assert body.splitlines()[0] == "not ready: storage"


def test_a_single_server_without_a_broker_is_ready(client, db, settings):
    """One machine, tasks inline: no broker to ask, and the embedded cache in memory."""
    settings.CELERY_BROKER_URL = ""

    assert _ready(client) == (200, EVERY_PART_OK)


def test_the_bucket_is_asked_with_the_portals_own_credentials(client, db, settings):
    """On a real S3-compatible server (SeaweedFS): ready while the bucket answers; a bucket
    that is not there (a typo in AWS_STORAGE_BUCKET_NAME) is named."""
    settings.CELERY_BROKER_URL = ""
    with s3_server_running() as server:
        environ = server.environ()
        settings.STORAGES = {**settings.STORAGES, "default": storage.default_storage(environ)}
        assert _ready(client) == (200, EVERY_PART_OK)

        wrong = {**environ, "AWS_STORAGE_BUCKET_NAME": "no-such-bucket"}
        settings.STORAGES = {**settings.STORAGES, "default": storage.default_storage(wrong)}
        status, body = _ready(client)

    assert status == 503
    assert body.splitlines()[0] == "not ready: storage"
    assert "no-such-bucket" not in body

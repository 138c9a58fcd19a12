"""Throughput of *My path* against the home page, signed in, under gunicorn (goal: ratio >= 0.5).

Both pages are served as in production: gunicorn with 2 sync workers, DEBUG off, the bench
database. The visitor is a real member of staff, the one with the most events (the heaviest
*My path* to build), signed in through a session created directly in the database.

The load is 4 Python threads on 127.0.0.1, each with its own `http.client` connection (sync
workers close the connection after each response; `http.client` opens the next one). The
client shares the 2 cores with the server, which caps both pages alike: only the ratio counts.
Each page is measured 5 times, alternating, and the best of each is kept.
"""

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from bench.harness import SETTINGS_MODULE, Context, say

REQUESTS = 400  # per measure
TIME_LIMIT = 30.0  # seconds per measure, whichever comes first
THREADS = 4
ROUNDS = 5
WARMUP = 8  # requests per page before measuring: each worker loads URLconf and templates
WORKERS = 2
START_TIMEOUT = 60.0


@dataclass
class Measure:
    rps: float
    ok: int
    seconds: float
    errors: Counter = field(default_factory=Counter)


def _subject():
    """The staff member with the most events, with a user account linked to them."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from portal.models import EngagementEvent, Staff

    top = (
        EngagementEvent.objects.values("staff")
        .annotate(n=Count("id"))
        .order_by("-n", "staff")
        .first()
    )
    if top is None:
        raise RuntimeError("The bench database has no events.")
    staff = Staff.objects.select_related("user").get(pk=top["staff"])
    if staff.user is None:
        user, _ = get_user_model().objects.get_or_create(
            username=f"bench-{staff.employee_id}", defaults={"email": staff.email}
        )
        user.set_unusable_password()
        user.save()
        staff.user = user
        staff.save(update_fields=["user"])
    return staff, top["n"]


def _session_cookie(user) -> str:
    """A `Cookie` header for a fresh session of `user`, as `login()` would have stored it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@contextmanager
def _gunicorn(port: int, env: Mapping[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """gunicorn serving the portal on 127.0.0.1:`port`, stopped on the way out; `env` adds to
    this process's environment (a bucket's AWS_* variables, for the video bench)."""
    from django.conf import settings

    executable = Path(sys.executable).with_name("gunicorn")
    command = [
        str(executable),
        "portal.wsgi:application",
        "--workers",
        str(WORKERS),
        "--worker-class",
        "sync",
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "--timeout",
        "120",
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE, **(env or {})}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
            command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )

        def log_tail() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")[-3000:]

        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log_tail()}")
                try:
                    if _get(port, "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer /healthz:\n{log_tail()}")
                time.sleep(0.2)  # polling a starting server, not hiding a race
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _throughput(port: int, path: str, cookie: str) -> Measure:
    """Requests per second answered 200, from THREADS threads, bounded by count and time."""
    lock = threading.Lock()
    issued = 0
    ok = 0
    errors: Counter = Counter()
    ready = threading.Barrier(THREADS + 1)
    deadline = time.perf_counter() + TIME_LIMIT + START_TIMEOUT  # reset just before the start

    def client() -> None:
        nonlocal issued, ok
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        ready.wait()
        try:
            while True:
                with lock:
                    if issued >= REQUESTS or time.perf_counter() > deadline:
                        return
                    issued += 1
                try:
                    connection.request("GET", path, headers={"Cookie": cookie})
                    response = connection.getresponse()
                    response.read()
                    status: int | str = response.status
                except (OSError, http.client.HTTPException) as error:
                    connection.close()
                    status = type(error).__name__
                with lock:
                    if status == 200:
                        ok += 1
                    else:
                        errors[status] += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.perf_counter() + TIME_LIMIT
    start = time.perf_counter()
    ready.wait()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    return Measure(rps=ok / seconds if seconds else 0.0, ok=ok, seconds=seconds, errors=errors)


def _attainments_ready() -> None:
    """My path reads attainments; build them once if the recompute job exists and never ran."""
    from portal.models import TierAttainment

    if TierAttainment.objects.exists():
        return
    try:
        from portal.tiers.services import tier_attainments_recompute
    except ImportError:
        return
    say("my_path: no attainments yet, running tier_attainments_recompute() once first")
    start = time.perf_counter()
    tier_attainments_recompute()
    say(f"my_path: recompute took {time.perf_counter() - start:.1f} s")


def run(ctx: Context) -> None:
    from django.urls import NoReverseMatch, reverse

    try:
        my_path = reverse("my_path")
    except NoReverseMatch:
        my_path = "/my-path/"
    home = "/"

    staff, events = _subject()
    say(f"my_path: signed in as staff {staff.pk} ({events} events)")
    _attainments_ready()
    cookie = _session_cookie(staff.user)
    port = _free_port()

    with _gunicorn(port):
        status, body = _get(port, home, cookie)
        if status != 200:
            raise RuntimeError(f"{home} answered {status} to the signed-in bench user")
        status, body = _get(port, my_path, cookie)
        if status == 404:
            ctx.skip("my_path", f"{my_path} answers 404 (not built yet)")
            return
        if status != 200:
            raise RuntimeError(f"{my_path} answered {status}: {body[:300]!r}")
        for path in (home, my_path):
            for _ in range(WARMUP):
                _get(port, path, cookie)

        best: dict[str, Measure] = {}
        for round_ in range(1, ROUNDS + 1):
            for path in (home, my_path):
                measure = _throughput(port, path, cookie)
                if measure.errors:
                    say(f"my_path: {path} errors {dict(measure.errors)}")
                if measure.ok == 0:
                    raise RuntimeError(f"{path}: no successful request ({dict(measure.errors)})")
                if path not in best or measure.rps > best[path].rps:
                    best[path] = measure
                say(
                    f"my_path: round {round_} {path} {measure.rps:.1f} req/s "
                    f"({measure.ok} in {measure.seconds:.1f} s)"
                )

    home_rps, mine_rps = best[home].rps, best[my_path].rps
    ctx.baseline["home_rps"] = home_rps
    ctx.report("home_throughput", home_rps, "req/s", home_rps)
    ctx.report("my_path_throughput", mine_rps, "req/s", home_rps)

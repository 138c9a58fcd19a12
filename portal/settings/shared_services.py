"""What several servers must share, and the refusal to start in production without it.

Behind a load balancer each request may reach another server, so whatever one request leaves
for the next must be somewhere every server reads: the broker (else every task runs inside the
web request that asked for it, and beat has nowhere to send), the cache (else each process keeps
its own: sign-in limits count per process, a menu forgets a page's new address on one server
only) and the bucket (else an upload lands on one server's disk and answers 404 on the others).
Production refuses to start without each, in words, the way it refuses a missing `SECRET_KEY`,
unless `PORTAL_SINGLE_SERVER=true` says this is a one-machine install, which then runs with
the limits `docs/deploy.md` lists. A pure function of the environment (no Django imports), so
the test reads the same sentences.
"""

from collections.abc import Mapping
from pathlib import Path

SINGLE_SERVER = "PORTAL_SINGLE_SERVER"
OPT_OUT = f"On a one-machine install that accepts this, set {SINGLE_SERVER}=true."

REQUIRED = {
    "CELERY_BROKER_URL": (
        "CELERY_BROKER_URL must name the broker (redis://...) in production: without it every "
        "background task (emails, reminders, recomputes) runs inside the web request that asked "
        "for it, and beat has nowhere to send its jobs."
    ),
    "CACHE_URL": (
        "CACHE_URL must name a cache every server shares (redis://...) in production: without "
        "it each process keeps its own, so sign-in limits count per process and a page's new "
        "address reaches one server's menu only."
    ),
    "AWS_STORAGE_BUCKET_NAME": (
        "AWS_STORAGE_BUCKET_NAME must name the bucket uploaded files go to in production: "
        "without it a file lands on the disk of the server that took it and answers 404 on "
        "the others."
    ),
}


def single_server(environ: Mapping[str, str]) -> bool:
    return environ.get(SINGLE_SERVER, "").strip().lower() in {"1", "true", "yes", "on"}


def missing(environ: Mapping[str, str]) -> list[str]:
    """A sentence for each shared service `environ` does not name (none on a single server)."""
    if single_server(environ):
        return []
    return [sentence for name, sentence in REQUIRED.items() if not environ.get(name, "").strip()]


def refusal(environ: Mapping[str, str]) -> str:
    """Why production must not start with `environ`, or "" when it may."""
    sentences = missing(environ)
    return " ".join([*sentences, OPT_OUT]) if sentences else ""


def single_server_caches(folder: Path) -> dict:
    """The cache of a one-machine install without `CACHE_URL`: files in `folder`, which every
    process of that machine reads, so they agree with each other (per-process memory would
    not: gunicorn runs several)."""
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(folder),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

"""Resource versions (RFC 7644 §3.14): a weak ETag for each User and Group, and `If-Match`.

A version is a hash of the resource as it would be answered now (everything but `meta`), not a
stamp of one row: a person's resource is drawn from the directory as much as from what the
identity provider sent, and the HR import, the admin or a group's membership can change it
without touching the SCIM side. So the version changes exactly when what a GET shows does.

A write that names a version (`If-Match`) is checked against the resource as it stands under
the write's lock: another version (or a resource that another write changed meanwhile) is
refused with 412 and nothing is written; `*` matches whatever version there is.
"""

import hashlib
import json

from .errors import ScimError


def version_of(data: dict) -> str:
    """The weak ETag of a resource's JSON, `meta` left out."""
    body = {key: value for key, value in data.items() if key != "meta"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f'W/"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'


def _tags(header: str) -> set[str]:
    """The entity tags a header lists, compared weakly (RFC 9110 §8.8.3.2): `W/` dropped."""
    tags = set()
    for part in header.split(","):
        part = part.strip()
        if part.startswith("W/"):
            part = part[2:]
        if part:
            tags.add(part)
    return tags


def matches(header: str | None, version: str) -> bool:
    """Whether an `If-Match` / `If-None-Match` header names this version (or is `*`)."""
    tags = _tags(header or "")
    return "*" in tags or _tags(version) <= tags


def version_check(if_match: str | None, version: str, what: str) -> None:
    """Refuse the write (412) when `If-Match` was sent and names another version."""
    if if_match is None or not if_match.strip() or matches(if_match, version):
        return
    raise ScimError(
        412,
        f"{what} has changed since the version this request names ({if_match.strip()}): it "
        f"is now at {version}. Read it again, then send the change for that version.",
    )

"""Community activity as it arrives: Discourse webhook deliveries read into `Activity` values.

Pure functions, no database: the view and the services decide what to do with the result, and
the tests can feed any payload in. What Discourse sends (read from discourse/discourse and the
discourse-solved plugin, `Jobs::EmitWebHookEvent` and the `WebHook*Serializer`s):

- headers `X-Discourse-Event-Type` (the object: `post`, `like`, `solved`, `topic`, `user`, ...),
  `X-Discourse-Event` (what happened: `post_created`, `post_liked`, `accepted_solution`, ...),
  `X-Discourse-Event-Id` (the id of that delivery), `X-Discourse-Instance` (the site's address)
  and `X-Discourse-Event-Signature: sha256=<hex HMAC-SHA256 of the raw body>`;
- a body `{<event type>: <object>}`: a post (`WebHookPostSerializer`: `id`, `post_number`,
  `post_type`, `username`, `user_id`, `created_at`, `topic_id`, `topic_slug`,
  `topic_archetype`, ...), a like (`{"post": <post>, "user": {"id", "username", ...}}`), or for
  an accepted solution the post that was accepted.

Assumptions, since Discourse documents none of this as a contract: posts carry no email (we read
`email` when a plugin adds one, and match by username otherwise); a like and an acceptance carry
no time of their own, so they count from when we receive them; private messages, whispers,
small actions and posts by the system user or bots (negative user ids) are nobody's community
contribution. A delivery Discourse retries has a new event id, so the same activity is also
recognised by its own id (`Activity.source_id`): one post, one like of a post by a person, one
accepted post each count once, however often they are sent. Only the body is signed, not the
headers: a replayed body under new headers can at most count that same activity, once, and the
address built from `X-Discourse-Instance` is shown with its host, never trusted.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

ACTIONS = ("post", "reply", "like", "solution")
SIGNATURE_PREFIX = "sha256="
REGULAR_POST = 1  # Discourse's post_type for an ordinary post (not a whisper or small action)
URL_MAX_LENGTH = 500  # UnmatchedActivity.url


@dataclass(frozen=True)
class Activity:
    """One thing a person did in the community, whoever they turn out to be."""

    source_id: str  # unique per piece of activity: discourse:post:<id>, csv:<id>, ...
    action: str  # one of ACTIONS
    occurred_at: datetime  # aware
    email: str = ""
    username: str = ""
    url: str = ""


class PayloadError(ValueError):
    """A delivery of a kind we read whose body is not shaped as Discourse sends it."""


def signature_valid(body: bytes, header: str, secrets: list[str]) -> bool:
    """Whether `header` is `sha256=<hex>` of `body` under one of `secrets` (rotation: old, new).

    Every secret is tried, each with a constant-time comparison, so neither how much of the
    digest matched nor which secret did shows in the time taken.
    """
    if not header or not header.startswith(SIGNATURE_PREFIX) or not header.isascii():
        return False
    given = header[len(SIGNATURE_PREFIX) :].strip().lower().encode("ascii")
    valid = False
    for secret in secrets:
        if not secret:
            continue
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().encode("ascii")
        valid |= hmac.compare_digest(expected, given)
    return valid


def discourse_activity(
    *,
    event_type: str,
    event_name: str,
    body: dict,
    received_at: datetime,
    instance: str = "",
) -> Activity | None:
    """The activity a delivery reports, or None for events that are not community activity.

    `event_name` may be empty (very old Discourse sends only the type): a like is still a
    like, but a post could be an edit, so only `post_created` counts as a post.
    Raises `PayloadError` when a delivery we read lacks what every such delivery has.
    """
    event_type, event_name = event_type.strip().lower(), event_name.strip().lower()
    if event_type == "post" and event_name == "post_created":
        post = _object(body, "post")
        if not _counts(post):
            return None
        number = _int(post, "post_number")
        return Activity(
            source_id=f"discourse:post:{_int(post, 'id')}",
            action="post" if number == 1 else "reply",
            occurred_at=_time(post, "created_at"),
            email=_text(post, "email"),
            username=_text(post, "username"),
            url=_post_url(post, instance),
        )
    if event_type == "like" and event_name in ("", "post_liked"):
        like = _object(body, "like")
        post, user = _object(like, "post"), _object(like, "user")
        if _negative_user(user.get("id")) or post.get("topic_archetype") == "private_message":
            return None
        liker = user.get("id") if isinstance(user.get("id"), int) else _text(user, "username")
        if liker in ("", None):
            raise PayloadError("like.user has neither an id nor a username.")
        return Activity(
            source_id=f"discourse:like:{_int(post, 'id')}:{liker}",
            action="like",
            occurred_at=received_at,
            email=_text(user, "email"),
            username=_text(user, "username"),
            url=_post_url(post, instance),
        )
    if event_type in ("solved", "accepted_solution") and event_name in ("", "accepted_solution"):
        post = _object(body, event_type) if event_type in body else _object(body, "post")
        if not _counts(post):
            return None
        return Activity(
            source_id=f"discourse:solution:{_int(post, 'id')}",
            action="solution",
            occurred_at=received_at,
            email=_text(post, "email"),
            username=_text(post, "username"),
            url=_post_url(post, instance),
        )
    return None


def _object(container: dict, key: str) -> dict:
    value = container.get(key)
    if not isinstance(value, dict):
        raise PayloadError(f"The body has no {key!r} object.")
    return value


def _counts(post: dict) -> bool:
    """A post that is someone's contribution: public, ordinary, by a person."""
    return (
        post.get("topic_archetype") != "private_message"
        and post.get("post_type", REGULAR_POST) == REGULAR_POST
        and not _negative_user(post.get("user_id"))
        and not post.get("deleted_at")
    )


def _negative_user(user_id) -> bool:
    """Discourse's system user is -1 and its bots below that."""
    return isinstance(user_id, int) and user_id < 0


def _int(container: dict, key: str) -> int:
    value = container.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PayloadError(f"{key} is missing or not a whole number.")
    return value


def _text(container: dict, key: str) -> str:
    value = container.get(key)
    return value.strip() if isinstance(value, str) else ""


def _time(container: dict, key: str) -> datetime:
    value = container.get(key)
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise PayloadError(f"{key} is missing or not a time with its offset.")
    return moment


def _post_url(post: dict, instance: str) -> str:
    """The post's address: `/t/<slug>/<topic>/<number>` on the sending site, if we can tell."""
    topic_id, number = post.get("topic_id"), post.get("post_number")
    if not isinstance(topic_id, int) or not isinstance(number, int):
        return ""
    slug = quote(_text(post, "topic_slug") or "-", safe="-_")
    path = f"/t/{slug}/{topic_id}/{number}"
    base = instance.strip().rstrip("/")
    url = f"{base}{path}" if base.startswith(("https://", "http://")) else path
    return url if len(url) <= URL_MAX_LENGTH else ""

"""Slack: a notification as a Block Kit message, sent by the portal's bot to one person (found by
their email) or to a channel, and the in-place answer after someone presses one of its buttons.

Why it is shaped this way:

- `render` runs when the message is queued and its result is stored on the outbox row, so it
  reads nothing but the `Content` and keeps within Slack's limits itself (a message Slack
  refuses for a 151-character header would fail for good, at 3 a.m., in a worker).
- Everything in a `Content` except its `url` and the actions' urls is treated as user text: it
  is escaped the way Slack asks (`&`, `<`, `>`), and sections are `verbatim`, so a title like
  "<!channel>" or a question containing "<https://evil.example|your bank>" reads as typed and
  never becomes a mention or a link. Our own links are the only ones that are links.
- `send` runs in an outbox worker. The outbox retries with backoff, so slack-sdk's own retry
  handlers are off (one HTTP request per attempt: a retried `chat.postMessage` whose first
  answer was lost would post twice). Every expected failure leaves as `Temporary` or
  `Permanent` with a sentence a community manager can act on; `NotFound` means "this person is
  not on Slack", which lets the core fall back to email.
- A person is found by email once a day (`users.lookupByEmail` is rate limited at Slack's tier
  3); their Slack id is cached under an HMAC of the email, never the email itself.
"""

import logging
import re
from contextlib import contextmanager
from http.client import HTTPException
from urllib.error import URLError
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.webhook import WebhookClient

from ..content import Action, Content
from .errors import NotFound as BaseNotFound
from .errors import Permanent, Temporary

logger = logging.getLogger(__name__)

# Slack's limits (https://docs.slack.dev/reference/block-kit/blocks and .../block-elements).
BLOCKS_MAX = 50  # blocks in one message
HEADER_MAX = 150  # a header's plain text
SECTION_TEXT_MAX = 3000  # a section's text
FIELDS_MAX = 10  # fields in one section
FIELD_TEXT_MAX = 2000  # one field's text
BUTTONS_MAX = 25  # elements in one actions block; we send no more than that in all
BUTTON_TEXT_MAX = 75
ACTION_ID_MAX = 255
VALUE_MAX = 2000
URL_MAX = 3000
FACT_SECTIONS_MAX = 10  # 100 facts; leaves room for text whatever the actions are
ELLIPSIS = "…"

USER_ID_SECONDS = 24 * 60 * 60  # how long a person's Slack id is trusted
CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{6,}")  # a public (C...) or private (G...) channel

# Slack's error codes that say "try again later" although the HTTP status may be 200.
TEMPORARY_ERRORS = {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
PERMANENT_ERRORS = {
    "invalid_auth": (
        "Slack did not accept the portal's bot token: check SLACK_BOT_TOKEN against the Slack "
        "app's OAuth page."
    ),
    "not_authed": "Slack received no bot token: set SLACK_BOT_TOKEN.",
    "account_inactive": (
        "The portal's Slack bot has been deactivated: reinstall the portal's Slack app."
    ),
    "token_revoked": (
        "The portal's Slack bot token was revoked: reinstall the Slack app and set the new "
        "SLACK_BOT_TOKEN."
    ),
    "channel_not_found": (
        "Slack has no such channel, or the portal's Slack app cannot see it (a private channel "
        "it was not added to)."
    ),
    "not_in_channel": (
        "The portal's Slack app is not a member of this channel: invite it there with /invite."
    ),
    "is_archived": "This Slack channel is archived: choose another one.",
}
NOT_FOUND = "Slack knows no one with this email."
# Posting to a person's (cached) id failed this way: they are no longer reachable there.
DIRECT_MESSAGE_GONE = {"channel_not_found", "user_not_found", "user_disabled", "cannot_dm_bot"}


class NotFound(BaseNotFound):
    """This person is not on the Slack workspace (the core sends email instead)."""


def is_configured() -> bool:
    return bool(getattr(settings, "SLACK_BOT_TOKEN", "").strip())


# Rendering --------------------------------------------------------------------------------------


def render(content: Content) -> dict:
    """The Block Kit message for `content`: `{"text": fallback, "blocks": [...]}`.

    Title (a header, or a bold link when the content has a `url`), the text as mrkdwn sections,
    the facts as section fields, the buttons; each cut to Slack's limits with an ellipsis."""
    title = " ".join(content.title.split())
    if not title:
        raise ValueError("A notification needs a title.")
    facts = _fact_blocks(content.facts)
    actions = _action_blocks(content.actions)
    room = BLOCKS_MAX - 1 - len(facts) - len(actions)
    blocks = [_title_block(title, content.url), *_text_blocks(content.text, room=room)]
    fallback = _cut_escaped(escape(title), HEADER_MAX)  # what notifications and previews show
    return {"text": fallback, "blocks": [*blocks, *facts, *actions]}


def escape(text: str) -> str:
    """User text as Slack reads it literally: its three control characters as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _title_block(title: str, url: str) -> dict:
    target = _link_target(url)
    if target:
        label = _cut_escaped(escape(title), HEADER_MAX)
        return _section(f"*<{target}|{label}>*")
    return {"type": "header", "text": _plain(_cut_plain(title, HEADER_MAX))}


def _link_target(url: str) -> str:
    """`url` ready to stand inside `<...|label>`, or "" when it is no web address of ours to
    link to. Content's urls are absolute and signed by our code; the check is a guard."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > URL_MAX:
        return ""
    return url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")


def _text_blocks(text: str, *, room: int) -> list[dict]:
    """Paragraphs (blank-line separated) packed into as few sections as fit; a paragraph longer
    than a section goes on in the next one; past `room` sections, the last ends in '…'."""
    chunks: list[str] = []
    for paragraph in re.split(r"\n[ \t]*\n", text.strip()):
        if not paragraph.strip():
            continue
        for piece in _pieces(escape(paragraph.strip()), SECTION_TEXT_MAX):
            if chunks and len(chunks[-1]) + 2 + len(piece) <= SECTION_TEXT_MAX:
                chunks[-1] += "\n\n" + piece
            else:
                chunks.append(piece)
    if len(chunks) > room:
        chunks = chunks[:room]
        chunks[-1] = _with_ellipsis(chunks[-1], SECTION_TEXT_MAX)
    return [_section(chunk) for chunk in chunks]


def _pieces(escaped: str, limit: int) -> list[str]:
    """`escaped` in pieces of at most `limit` characters, cut at a space where there is one in
    the second half, and never inside an entity."""
    pieces = []
    while len(escaped) > limit:
        cut = _safe_cut(escaped, limit)
        space = escaped.rfind(" ", limit // 2, cut)
        if space > 0:
            cut = space
        pieces.append(escaped[:cut].rstrip())
        escaped = escaped[cut:].lstrip()
    return [*pieces, escaped] if escaped else pieces


def _safe_cut(escaped: str, at: int) -> int:
    """`at`, or the start of the entity (`&amp;`, `&lt;`, `&gt;`) that `at` would cut in two."""
    amp = escaped.rfind("&", max(0, at - 4), at)
    if amp != -1 and ";" not in escaped[amp:at]:
        return amp
    return at


def _with_ellipsis(escaped: str, limit: int) -> str:
    return escaped[: _safe_cut(escaped, limit - len(ELLIPSIS))].rstrip() + ELLIPSIS


def _cut_escaped(escaped: str, limit: int) -> str:
    return escaped if len(escaped) <= limit else _with_ellipsis(escaped, limit)


def _cut_plain(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def _fact_blocks(facts) -> list[dict]:
    fields = []
    for label, value in facts[: FIELDS_MAX * FACT_SECTIONS_MAX]:
        label, value = escape(" ".join(label.split())), escape(value.strip())
        text = f"*{label}*\n{value}" if label else value
        if text:
            fields.append(_mrkdwn(_cut_escaped(text, FIELD_TEXT_MAX)))
    if len(facts) > FIELDS_MAX * FACT_SECTIONS_MAX:
        dropped = len(facts) - FIELDS_MAX * FACT_SECTIONS_MAX
        logger.warning("Slack: %d facts left out of a message", dropped)
    return [
        {"type": "section", "fields": fields[start : start + FIELDS_MAX]}
        for start in range(0, len(fields), FIELDS_MAX)
    ]


def _action_blocks(actions: tuple[Action, ...]) -> list[dict]:
    """Buttons, BUTTONS_MAX at most; a repeated action_id starts a new actions block (Slack
    wants them unique within a block)."""
    buttons = [button for action in actions if (button := _button(action))][:BUTTONS_MAX]
    blocks: list[dict] = []
    for button in buttons:
        current = blocks[-1]["elements"] if blocks else None
        action_id = button.get("action_id")
        if current is None or (action_id and any(b.get("action_id") == action_id for b in current)):
            blocks.append({"type": "actions", "elements": [button]})
        else:
            current.append(button)
    return blocks


def _button(action: Action) -> dict | None:
    """An interactive button (action_id) where Slack's presses can reach the portal (its
    signing secret is set), else a link button (url); None for an interactive one without a
    link then, and, logged, for one Slack would refuse (too long an id or value, no web
    address, no label)."""
    label = " ".join(action.label.split())
    button: dict = {"type": "button", "text": _plain(_cut_plain(label, BUTTON_TEXT_MAX))}
    interactive = bool(getattr(settings, "SLACK_SIGNING_SECRET", "").strip())
    if action.action_id and not interactive and not action.url:
        return None  # "Not now" has no link: without presses there is no button
    if action.action_id and interactive:
        if len(action.action_id) > ACTION_ID_MAX or len(action.value) > VALUE_MAX:
            problem = "an action_id or value longer than Slack allows"
        else:
            button["action_id"] = action.action_id
            if action.value:
                button["value"] = action.value
            problem = ""
    elif urlsplit(action.url).scheme in ("http", "https") and len(action.url) <= URL_MAX:
        button["url"] = action.url
        problem = ""
    else:
        problem = "no web address Slack can open"
    if not label:
        problem = "no label"
    if problem:
        logger.warning("Slack: a button left out of a message: %s", problem)
        return None
    if action.primary:
        button["style"] = "primary"
    return button


def _plain(text: str) -> dict:
    return {"type": "plain_text", "text": text, "emoji": True}


def _mrkdwn(text: str) -> dict:
    # verbatim: no automatic links for bare URLs, channel names or @mentions in the text
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> dict:
    return {"type": "section", "text": _mrkdwn(text)}


# Sending ----------------------------------------------------------------------------------------


def send(*, to: str, payload: dict) -> str:
    """Post `payload` (what `render` returned) to `to`: an email address (a direct message to
    that person) or a channel id. Returns the message's ts."""
    if not isinstance(payload, dict) or not isinstance(payload.get("blocks"), list):
        raise Permanent("The stored Slack message is not one the portal rendered: not sent.")
    client = _client()
    to = to.strip()
    user_key = ""
    if CHANNEL_ID.fullmatch(to):
        channel = to
    elif "@" in to:
        channel, user_key = _person(client, to)
    else:
        raise Permanent("This is neither an email address nor a Slack channel id (C… or G…).")
    try:
        with _errors_mapped(to_person=bool(user_key)):
            response = client.chat_postMessage(
                channel=channel,
                text=payload.get("text", ""),
                blocks=payload["blocks"],
                unfurl_links=False,
                unfurl_media=False,
            )
    except Permanent:
        if user_key:  # the cached id may be stale (the person left): look them up next time
            cache.delete(user_key)
        raise
    return response["ts"]


def user_cache_key(email: str) -> str:
    """Where a person's Slack id is cached: an HMAC of the workspace's token and the email (no
    email in clear in the cache; another workspace's ids are not mistaken for this one's)."""
    value = f"{settings.SLACK_API_URL}\n{settings.SLACK_BOT_TOKEN}\n{email.strip().casefold()}"
    digest = salted_hmac("notifications.slack.user", value, algorithm="sha256").hexdigest()
    return f"notifications:slack:user:{digest}"


def _person(client: WebClient, email: str) -> tuple[str, str]:
    """The Slack user id for `email` (cached for a day) and its cache key."""
    key = user_cache_key(email)
    user_id = cache.get(key)
    if user_id is None:
        with _errors_mapped():
            user = client.users_lookupByEmail(email=email)["user"]
        if user.get("deleted"):
            raise NotFound("This person's Slack account is deactivated.")
        user_id = user["id"]
        cache.set(key, user_id, USER_ID_SECONDS)
    return user_id, key


def _client() -> WebClient:
    if not is_configured():
        raise Permanent("Slack is not connected to the portal: SLACK_BOT_TOKEN is not set.")
    return WebClient(
        token=settings.SLACK_BOT_TOKEN,
        base_url=settings.SLACK_API_URL,
        timeout=settings.CHANNEL_TIMEOUT,
        retry_handlers=[],  # one request per attempt; the outbox retries
    )


@contextmanager
def _errors_mapped(*, to_person: bool = False):
    """Every failure of a call to Slack as Temporary or Permanent, with a sentence."""
    try:
        yield
    except SlackApiError as error:
        response = error.response
        data = response.data if isinstance(response.data, dict) else {}
        code = data.get("error", "")
        if to_person and code in DIRECT_MESSAGE_GONE:
            raise NotFound(
                "Slack could not open a direct message with this person: their account may "
                "have been deactivated."
            ) from error
        raise _refusal(response.status_code, code, response.headers, data) from error
    except TimeoutError as error:
        raise _timed_out() from error
    except URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _timed_out() from error
        raise Temporary(f"Could not reach Slack ({error.reason}).") from error
    except (OSError, HTTPException) as error:
        raise Temporary(f"The connection to Slack failed ({type(error).__name__}).") from error
    except SlackClientError as error:
        raise Permanent(f"The Slack client refused the request: {error}") from error


def _timed_out() -> Temporary:
    return Temporary(f"Slack did not answer within {settings.CHANNEL_TIMEOUT} seconds.")


def _refusal(status: int, code: str, headers, data: dict) -> Exception:
    """What Slack's answer (HTTP status, `error` code) means for the outbox."""
    if status == 429 or code == "ratelimited":
        wait = _retry_after(headers)
        error = Temporary(
            "Slack is limiting how fast the portal may send"
            + (f"; it asked to wait {wait} seconds." if wait is not None else ".")
        )
        error.retry_after = wait  # for an outbox that can honour it
        return error
    if status >= 500 or code in TEMPORARY_ERRORS:
        return Temporary(
            f"Slack had a problem on its side (HTTP {status}); it will be tried again."
        )
    if code in ("users_not_found", "user_not_found"):
        return NotFound(NOT_FOUND)
    if code == "missing_scope":
        needed = data.get("needed", "")
        return Permanent(
            "The portal's Slack app lacks a permission it needs"
            + (f" ({needed})" if needed else "")
            + ": add the scope in the app's settings and reinstall it."
        )
    if code in PERMANENT_ERRORS:
        return Permanent(PERMANENT_ERRORS[code])
    return Permanent(f"Slack refused the message ({code or f'HTTP {status}'}).")


def _retry_after(headers) -> int | None:
    for name, value in (headers or {}).items():
        if name.lower() == "retry-after":
            value = value[0] if isinstance(value, list) else value
            try:
                return max(0, int(str(value).strip()))
            except ValueError:
                return None
    return None


# Answering a pressed button ---------------------------------------------------------------------


def respond(*, response_url: str, payload: dict) -> None:
    """Replace the message whose button was pressed with `payload`, through the `response_url`
    Slack gave with the press (valid for 30 minutes, 5 answers)."""
    if not response_url_allowed(response_url):
        raise Permanent("This answer address is not Slack's (hooks.slack.com): not sent.")
    client = WebhookClient(url=response_url, timeout=settings.CHANNEL_TIMEOUT, retry_handlers=[])
    with _errors_mapped():
        response = client.send_dict({"replace_original": True, **payload})
    if response.status_code == 200:
        return
    body = (response.body or "").strip()
    if response.status_code in (404, 410) or body in ("expired_url", "used_url"):
        raise Permanent(
            "Slack no longer accepts an answer to this button press (answers are taken for 30 "
            "minutes, 5 at most)."
        )
    raise _refusal(response.status_code, body[:100], response.headers, {})


def response_url_allowed(url: str) -> bool:
    """Whether `url` is Slack's (https://hooks.slack.com/...) or on the host SLACK_API_URL
    names (a proxy, or a test's capture server): nothing else is posted to."""
    try:
        parts, api = urlsplit(url), urlsplit(settings.SLACK_API_URL)
        port = parts.port
    except ValueError:
        return False
    if parts.username is not None or parts.password is not None:
        return False
    if parts.scheme == "https" and parts.hostname == "hooks.slack.com" and port is None:
        return True
    return bool(api.netloc) and (parts.scheme, parts.netloc) == (api.scheme, api.netloc)

"""Microsoft Teams: a notification as an Adaptive Card, posted to a channel through a Teams
Workflows webhook or to one person through the portal's bot.

A channel: Teams' Workflows app ("When a Teams webhook request is received", then "Post card in
a chat or channel") gives an address that takes a message envelope with the card attached;
`TEAMS_WEBHOOK_URL` holds it. It answers 202 once the workflow has the card, before Teams
shows it.

One person: a bot (an Azure Bot with a single-tenant app registration, in a Teams app installed
for the people it writes to) posts through the Bot Framework connector, as Microsoft documents
for proactive messages:
1. an app token by client credentials from Microsoft Entra ID, one for the connector
   (api.botframework.com) and one for Microsoft Graph, each kept in the cache until five
   minutes before it expires;
2. the person's Entra object id from Graph (`users/{email}`: the email must be their user
   principal name; needs the User.Read.All application permission, with an administrator's
   consent), kept a day under a key that hides the address;
3. the 1:1 conversation between the bot and them (`POST v3/conversations`; Teams answers the
   same id every time), kept a day;
4. the card as a message activity in it (`POST v3/conversations/{id}/activities`).
Teams lets a bot write only to people who have its app: anyone else is `NotFound`, and the
outbox sends them the email instead.

What fails tells the outbox what to do: rate limits (429), Microsoft's own errors (5xx),
timeouts and dropped connections are `Temporary`; refusals that trying again cannot change
(wrong credentials, a malformed card, a deleted workflow) are `Permanent`, each with a sentence
for the community manager who reads it on the message.
"""

import json
import logging
import re
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from urllib.parse import quote

import requests
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

from notifications.content import Action, Content

from . import errors

logger = logging.getLogger(__name__)

CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"  # what Teams renders on desktop, web and mobile
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
# Teams refuses a message over 28 KB; the card leaves a kilobyte for the activity around it.
MESSAGE_LIMIT = 28 * 1024
CARD_LIMIT = MESSAGE_LIMIT - 1024
ELLIPSIS = "…"
OPEN_LABEL = "Open in the portal"  # the one button of a message that names none

BOT_SCOPE = "https://api.botframework.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
TOKEN_MARGIN = 300  # seconds before its expiry that a token is no longer used
PERSON_SECONDS = 24 * 60 * 60  # how long a person's object id and conversation are kept


class NotFound(errors.NotFound):
    """This person cannot be reached in Teams (not in the directory, or without the portal's
    Teams app): the outbox sends them the email instead."""


class _ConversationGone(Exception):
    """The kept conversation no longer exists (the person removed the chat)."""


# Rendering ------------------------------------------------------------------------------------


def render(content: Content) -> dict:
    """The Adaptive Card of `content`: its title as a heading, its text line by line, its facts
    as a FactSet and its actions as buttons. A card over Teams' size limit keeps as much of the
    text as fits, ending in an ellipsis (then drops facts from the end, which never happens
    with the facts our kinds give)."""
    card = _card(content, content.text, content.facts)
    if _size(card) <= CARD_LIMIT:
        return card
    facts = content.facts
    if _size(_card(content, ELLIPSIS, facts)) > CARD_LIMIT:
        while facts and _size(_card(content, ELLIPSIS, facts)) > CARD_LIMIT:
            facts = facts[:-1]
        return _card(content, ELLIPSIS, facts)
    # the longest start of the text that fits: at most ~17 builds for the largest texts
    fits, too_long = 0, len(content.text)
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if _size(_card(content, _cut(content.text, middle), facts)) <= CARD_LIMIT:
            fits = middle
        else:
            too_long = middle
    return _card(content, _cut(content.text, fits), facts)


def _card(content: Content, text: str, facts) -> dict:
    body: list[dict] = [
        {
            "type": "TextBlock",
            "text": escaped(content.title),
            "style": "heading",  # a heading for screen readers (1.5)
            "weight": "bolder",
            "size": "medium",
            "wrap": True,
        }
    ]
    for paragraph in _paragraphs(text):
        for index, line in enumerate(paragraph):
            block = {"type": "TextBlock", "text": escaped(line), "wrap": True}
            if index:  # the lines of one paragraph stay together
                block["spacing"] = "none"
            body.append(block)
    if facts:
        body.append(
            {
                "type": "FactSet",
                "facts": [
                    {"title": escaped(title), "value": escaped(value)} for title, value in facts
                ],
            }
        )
    card = {"type": "AdaptiveCard", "$schema": CARD_SCHEMA, "version": CARD_VERSION, "body": body}
    actions = [button for action in content.actions if (button := _button(action))]
    if not actions and _is_web(content.url):
        actions = [_button(Action(label=OPEN_LABEL, url=content.url))]
    if actions:
        card["actions"] = actions
    return card


def _button(action: Action) -> dict | None:
    """A button that acts in place (`Action.Execute`, Teams' Universal Actions: Teams posts it
    to the bot, `notifications.teams_bot`) when the bot can receive it, else one that opens its
    link; None for neither. A button's title is plain text in every host: no markdown."""
    if action.action_id and action.value and is_configured(to_person=True):
        button = {
            "type": "Action.Execute",
            "title": action.label,
            "verb": action.action_id,
            "data": {"value": action.value},
        }
    elif _is_web(action.url):
        button = {"type": "Action.OpenUrl", "title": action.label, "url": action.url}
    else:
        return None
    if action.primary:
        button["style"] = "positive"
    return button


def _is_web(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def _paragraphs(text: str) -> list[list[str]]:
    """Paragraphs (split at blank lines), each a list of its non-empty lines, stripped: a line
    indented four spaces would be a code block in markdown."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if lines:
            paragraphs.append(lines)
    return paragraphs


def _cut(text: str, length: int) -> str:
    """The first `length` characters of `text`, ended at a word when one ends nearby, and an
    ellipsis."""
    start = text[:length]
    if length < len(text) and not text[length].isspace():
        word_start = max(start.rfind(" "), start.rfind("\n"))
        if word_start > length - 40:
            start = start[:word_start]
    return start.rstrip() + ELLIPSIS


def _size(card: dict) -> int:
    return len(_json_bytes(card))


# Adaptive Cards render a TextBlock's (and a fact's title and value) text as markdown: bold,
# italic, links, lists. People's words must show as written, so every character that could
# start markup is escaped with a backslash, which markdown shows as the character itself:
# emphasis and code (* _ ` ~), links and images ([ ] and < for autolinks), entities (&), the
# marks that make a line a list, heading, quote or rule where they open it (each line is its
# own block), and the second brace of "{{", which would start a {{DATE(...)}} or {{TIME(...)}}
# that the card replaces with a date.
_INLINE_MARKUP = re.compile(r"([\\`*_~\[\]<>&]|(?<=\{)\{)")
_LINE_MARKUP = re.compile(r"^([-+=#])(?=[\s\-+=#]|$)")
_ORDERED_LIST = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")


def escaped(text: str) -> str:
    """`text` as a TextBlock shows it literally."""
    text = _INLINE_MARKUP.sub(r"\\\1", text)
    text = _LINE_MARKUP.sub(r"\\\1", text)
    return _ORDERED_LIST.sub(r"\1\\\2", text)


# Sending --------------------------------------------------------------------------------------


def is_configured(to_person: bool) -> bool:
    """Whether the portal can post to one person (the bot's three settings) or, with
    `to_person=False`, to the channel (the Workflows webhook)."""
    if to_person:
        return all(
            (
                settings.TEAMS_BOT_APP_ID,
                settings.TEAMS_BOT_APP_PASSWORD,
                settings.TEAMS_BOT_TENANT_ID,
            )
        )
    return bool(settings.TEAMS_WEBHOOK_URL)


def send(*, to: str, payload: dict) -> str:
    """Post the card `payload` (what `render` made) to the channel (`to="channel"`) or to the
    person whose email is `to`. The activity's id, or "webhook" for the channel."""
    if to == "channel":
        return _channel_send(payload)
    return _person_send(to, payload)


def _channel_send(card: dict) -> str:
    if not settings.TEAMS_WEBHOOK_URL:
        raise errors.Permanent("Teams is not connected to a channel: TEAMS_WEBHOOK_URL is not set.")
    what = "The Teams channel's workflow"
    envelope = {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": card}],
    }
    response = _request("POST", settings.TEAMS_WEBHOOK_URL, what=what, body=envelope)
    _raise_for_busy(response, what)
    status = response.status_code
    if status in (401, 403, 404):
        raise errors.Permanent(
            f"{what} refused the message ({status}): it may have been turned off or deleted, or "
            "its address changed. Create the workflow again and update TEAMS_WEBHOOK_URL."
        )
    if status == 413:
        raise errors.Permanent(f"{what} refused the card as too large (413).")
    if status >= 400:
        raise errors.Permanent(f"{what} refused the card ({_said(response)}).")
    return "webhook"


def _person_send(email: str, card: dict) -> str:
    if not is_configured(to_person=True):
        raise NotFound(
            "The portal has no Teams bot to write to one person: TEAMS_BOT_APP_ID, "
            "TEAMS_BOT_APP_PASSWORD and TEAMS_BOT_TENANT_ID are not all set."
        )
    conversation = _conversation_of(email)
    try:
        return _activity_post(conversation, card)
    except _ConversationGone:
        # The person removed the chat: start it again, once.
        try:
            return _activity_post(_conversation_of(email, fresh=True), card)
        except _ConversationGone:
            raise NotFound(
                "Teams lost the chat between the portal's bot and this person twice in a row."
            ) from None


def _activity_post(conversation: str, card: dict) -> str:
    what = "Teams"
    url = f"{settings.TEAMS_SERVICE_URL}v3/conversations/{quote(conversation, safe='')}/activities"
    activity = {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": card}],
    }
    response = _with_token(
        BOT_SCOPE, lambda token: _request("POST", url, what=what, token=token, body=activity)
    )
    _raise_for_busy(response, what)
    status = response.status_code
    if status == 404:
        raise _ConversationGone
    if status == 403:
        raise NotFound(
            "Teams would not deliver to this person: they blocked or removed the portal's "
            f"Teams app ({_said(response)})."
        )
    if status == 401:
        raise errors.Permanent(_BOT_REFUSED)
    if status == 413:
        raise errors.Permanent("Teams refused the card as larger than it accepts (413).")
    if status >= 400:
        raise errors.Permanent(f"Teams refused the message ({_said(response)}).")
    return str(_json(response, what).get("id") or "sent")


_BOT_REFUSED = (
    "Teams refused the bot's token (401): TEAMS_BOT_APP_ID must be the Azure Bot's Microsoft "
    "App ID, registered as single-tenant in TEAMS_BOT_TENANT_ID."
)


def _conversation_of(email: str, *, fresh: bool = False) -> str:
    """The id of the 1:1 chat between the bot and the person with this email."""
    tenant = settings.TEAMS_BOT_TENANT_ID
    object_id = _object_id_of(email)
    key = "teams:conversation:" + _hidden(f"{tenant}:{settings.TEAMS_BOT_APP_ID}:{object_id}")
    if not fresh and (known := cache.get(key)):
        return known
    what = "Teams"
    url = f"{settings.TEAMS_SERVICE_URL}v3/conversations"
    parameters = {
        "bot": {"id": f"28:{settings.TEAMS_BOT_APP_ID}"},
        "isGroup": False,
        "members": [{"id": f"8:orgid:{object_id}"}],
        "tenantId": tenant,
        "channelData": {"tenant": {"id": tenant}},
    }
    response = _with_token(
        BOT_SCOPE, lambda token: _request("POST", url, what=what, token=token, body=parameters)
    )
    _raise_for_busy(response, what)
    status = response.status_code
    if status == 403:
        raise NotFound(
            "The portal's Teams app is not installed for this person (or they blocked it): "
            "Teams lets the bot write only to people who have it. An administrator can install "
            "it for everyone with an app setup policy."
        )
    if status == 404:
        raise NotFound("Teams knows no one with this person's Microsoft Entra account.")
    if status == 401:
        raise errors.Permanent(_BOT_REFUSED)
    if status >= 400:
        raise errors.Permanent(
            f"Teams refused to start a chat with this person ({_said(response)})."
        )
    conversation = _json(response, what).get("id")
    if not isinstance(conversation, str) or not conversation:
        raise errors.Temporary("Teams started a chat but did not say its id.")
    cache.set(key, conversation, PERSON_SECONDS)
    return conversation


def _object_id_of(email: str) -> str:
    """The person's object id in Microsoft Entra ID, from Microsoft Graph."""
    key = "teams:person:" + _hidden(f"{settings.TEAMS_BOT_TENANT_ID}:{email.strip().lower()}")
    if known := cache.get(key):
        return known
    what = "Microsoft Graph"
    url = f"{settings.TEAMS_GRAPH_URL}users/{quote(email.strip(), safe='@')}?$select=id"
    response = _with_token(GRAPH_SCOPE, lambda token: _request("GET", url, what=what, token=token))
    _raise_for_busy(response, what)
    status = response.status_code
    if status == 404:
        raise NotFound(
            "Microsoft Entra ID (the directory behind Teams) has no one whose user principal "
            "name is this email address."
        )
    if status == 403:
        raise errors.Permanent(
            "Microsoft Graph would not look people up (403): the Teams bot's app registration "
            "needs the User.Read.All application permission, with an administrator's consent."
        )
    if status == 401:
        raise errors.Permanent(
            "Microsoft Graph refused the Teams bot's token (401): check the app registration "
            "in TEAMS_BOT_TENANT_ID."
        )
    if status >= 400:
        raise errors.Permanent(f"Microsoft Graph refused the look-up ({_said(response)}).")
    object_id = _json(response, what).get("id")
    if not isinstance(object_id, str) or not object_id:
        raise errors.Temporary("Microsoft Graph found the person but did not say their id.")
    cache.set(key, object_id, PERSON_SECONDS)
    return object_id


def _hidden(text: str) -> str:
    """A cache key part that does not show the email or id it stands for."""
    return salted_hmac("notifications.channels.teams", text).hexdigest()


# Tokens ---------------------------------------------------------------------------------------


def _with_token(scope: str, call: Callable[[str], requests.Response]) -> requests.Response:
    """`call(token)`, again with a new token if the kept one was refused (revoked or expired
    early); a second refusal is the caller's to explain."""
    response = call(_token(scope))
    if response.status_code == 401:
        cache.delete(_token_key(scope))
        response = call(_token(scope))
    return response


def _token_key(scope: str) -> str:
    return "teams:token:" + _hidden(
        f"{settings.TEAMS_LOGIN_URL}|{settings.TEAMS_BOT_TENANT_ID}|{settings.TEAMS_BOT_APP_ID}|{scope}"
    )


def _token(scope: str) -> str:
    """An app-only access token for `scope`, by the client credentials grant."""
    key = _token_key(scope)
    if known := cache.get(key):
        return known
    what = "Microsoft's sign-in service"
    tenant = quote(settings.TEAMS_BOT_TENANT_ID, safe="")
    response = _request(
        "POST",
        f"{settings.TEAMS_LOGIN_URL}{tenant}/oauth2/v2.0/token",
        what=what,
        form={
            "grant_type": "client_credentials",
            "client_id": settings.TEAMS_BOT_APP_ID,
            "client_secret": settings.TEAMS_BOT_APP_PASSWORD,
            "scope": scope,
        },
    )
    _raise_for_busy(response, what)
    if response.status_code >= 400:
        raise errors.Permanent(
            f"{what} refused the Teams bot's credentials ({_said(response)}): check "
            "TEAMS_BOT_APP_ID, TEAMS_BOT_APP_PASSWORD (not expired?) and TEAMS_BOT_TENANT_ID."
        )
    answer = _json(response, what)
    token, lifetime = answer.get("access_token"), answer.get("expires_in")
    if not isinstance(token, str) or not token:
        raise errors.Temporary(f"{what} answered without a token.")
    try:
        keep = int(lifetime) - TOKEN_MARGIN
    except (TypeError, ValueError):
        keep = 0
    if keep > 0:  # a token about to expire serves this call only
        cache.set(key, token, keep)
    return token


# HTTP -----------------------------------------------------------------------------------------


def _request(
    method: str,
    url: str,
    *,
    what: str,
    token: str = "",
    body: dict | None = None,
    form: dict | None = None,
) -> requests.Response:
    """One call, with the failures of the way there as `Temporary` or `Permanent`."""
    headers = {"Accept": "application/json"}
    data: bytes | dict | None = form
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        data = _json_bytes(body)
        headers["Content-Type"] = "application/json; charset=utf-8"
    try:
        return requests.request(
            method, url, data=data, headers=headers, timeout=settings.CHANNEL_TIMEOUT
        )
    except requests.Timeout as error:
        raise errors.Temporary(
            f"{what} did not answer within {settings.CHANNEL_TIMEOUT} seconds."
        ) from error
    except requests.ConnectionError as error:
        raise errors.Temporary(f"{what} could not be reached.") from error
    except requests.RequestException as error:  # an address requests cannot use
        raise errors.Permanent(f"{what} has an address that cannot be used ({error}).") from error


def _raise_for_busy(response: requests.Response, what: str) -> None:
    """Rate limits and the other side's own errors are worth trying again."""
    status = response.status_code
    if status == 429:
        wait = _retry_after(response)
        error = errors.Temporary(
            f"{what} asked the portal to slow down (429)"
            + (f" for {wait} seconds." if wait is not None else ".")
        )
        error.retry_after = wait
        raise error
    if status == 408 or status >= 500:
        raise errors.Temporary(f"{what} had a problem of its own ({status}).")


def _retry_after(response: requests.Response) -> int | None:
    """Retry-After in seconds (it may be a number or an HTTP date), or None."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0, int((when - timezone.now()).total_seconds()))


def _json(response: requests.Response, what: str) -> dict:
    try:
        answer = response.json()
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise errors.Temporary(f"{what} answered {response.status_code} with no readable JSON.")
    return answer


def _said(response: requests.Response) -> str:
    """The status and the error code the other side gave, short and free of personal data:
    codes only, never their messages (Graph's repeat the address looked up)."""
    try:
        answer = response.json()
    except ValueError:
        answer = None
    code = ""
    if isinstance(answer, dict):
        error = answer.get("error")
        if isinstance(error, dict):  # Graph and the Bot Framework: {"error": {"code": ...}}
            code = str(error.get("code") or "")
        elif isinstance(error, str):  # Entra ID: {"error": "invalid_client", "error_codes": [...]}
            numbers = answer.get("error_codes") or []
            code = error + (f" AADSTS{numbers[0]}" if numbers else "")
        elif "errorCode" in answer:  # Teams' messaging service: a JSON string in "message"
            code = _sub_code(answer.get("message")) or f"error {answer['errorCode']}"
    code = re.sub(r"[^\w .:-]", "", code)[:80]
    return f"{response.status_code} {code}".strip()


def _sub_code(message) -> str:
    try:
        inner = json.loads(message)
    except (TypeError, ValueError):
        return ""
    return str(inner.get("subCode") or "") if isinstance(inner, dict) else ""


def _json_bytes(value: dict) -> bytes:
    """Compact UTF-8 JSON: what goes on the wire, and what the size limit counts."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()

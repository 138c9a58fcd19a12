"""A Slack Web API of our own on loopback (http.server, in a thread of the test process), for
the real slack-sdk client the portal uses: `SLACK_API_URL` points at it, nothing is mocked on
our side of the socket.

It speaks as much of Slack as the portal uses, as Slack answers it (HTTP 200 with
`{"ok": false, "error": ...}` for refusals, 429 with Retry-After when rate limiting):

- the bearer token is checked on every API call (`not_authed`, `invalid_auth`);
- `users.lookupByEmail` from `users` (email -> user id), else `users_not_found`;
- `chat.postMessage` to a known user id (the DM) or a channel in `channels`, else
  `channel_not_found`; `chat.update` of a message it posted; `blocks` are checked as Slack
  would refuse them (`invalid_blocks`, by `blocks_problems`); each gets a ts;
- `/response/<name>`: a response_url (no token, as Slack's), answered "ok";
- faults, in turn, for the next matching request: any HTTP status with headers (429 +
  Retry-After, 500), an `error` code with HTTP 200 (`invalid_auth`, `missing_scope`, ...), or
  `hold`: no answer until the test ends (longer than any client timeout), or `drop`: the
  connection closed without an answer.

Every request is recorded in `calls` (method, token, parsed body), faulted or not.

What it cannot tell: how Slack lays the blocks out in its apps, whether Slack's servers accept
everything this one does (its checks are the documented limits, not Slack's code), rate limits
per method and workspace as Slack counts them, and anything about real tokens and scopes.
"""

import hashlib
import hmac
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

from . import free_port

HOLD_SECONDS = 30  # a held request is answered when the test ends, or after this at worst


@dataclass
class Call:
    method: str  # "chat.postMessage", or "response" for a response_url
    path: str
    token: str | None  # the bearer token sent, if any
    body: dict  # JSON body, or the form and query fields (one value each)


@dataclass
class Fault:
    status: int = 200
    error: str = ""  # Slack's error code in {"ok": false, "error": ...}
    headers: dict = field(default_factory=dict)
    hold: bool = False
    drop: bool = False  # close the connection without an answer
    method: str | None = None  # only a request for this method (None: the next request at all)
    extra: dict = field(default_factory=dict)  # more fields of the answer ("needed": ...)


class SlackServer:
    def __init__(self, *, users: dict[str, str] | None = None, channels=()):
        self.token = f"xoxb-test-{secrets.token_hex(8)}"
        self.users = dict(users or {})  # email (as Slack stores it) -> user id
        self.channels = set(channels)  # channel ids the bot may post to
        self.calls: list[Call] = []
        self.faults: list[Fault] = []
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api_url = f"{self.url}/api/"
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._ts = itertools.count(1)
        self._posted: dict[tuple[str, str], dict] = {}  # (channel, ts) -> message
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> "SlackServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._released.set()  # held requests answer now
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def settings(self) -> dict:
        """The portal's settings that talk to this server."""
        return {"SLACK_BOT_TOKEN": self.token, "SLACK_API_URL": self.api_url}

    def response_url(self, name: str = "1") -> str:
        return f"{self.url}/response/{name}"

    def fail_next(self, *, method: str | None = None, **fault) -> None:
        """Answer the next request (for `method`, if given) with this fault (see `Fault`)."""
        self.faults.append(Fault(method=method, **fault))

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    @property
    def messages(self) -> list[dict]:
        """The bodies of the chat.postMessage calls it accepted, in order."""
        return list(self._posted.values())

    # What Slack answers ----------------------------------------------------------------------

    def answer(self, method: str, token: str | None, body: dict) -> tuple[int, dict, object] | None:
        """(status, headers, JSON body or text) for one request, or None to hang up; faults
        first."""
        with self._lock:
            fault = next(
                (f for f in self.faults if f.method in (None, method)),
                None,
            )
            if fault is not None:
                self.faults.remove(fault)
        if fault is not None:
            if fault.drop:
                return None
            if fault.hold:
                self._released.wait(HOLD_SECONDS)
            if fault.status == 200 and not fault.error and method == "response":
                return 200, {}, "ok"
            error = fault.error or {429: "ratelimited"}.get(fault.status, "internal_error")
            if method == "response":
                return fault.status, fault.headers, error  # response URLs answer in text
            return fault.status, fault.headers, {"ok": False, "error": error, **fault.extra}
        if method == "response":
            return 200, {}, "ok"
        if token is None:
            return _refused("not_authed")
        if token != self.token:
            return _refused("invalid_auth")
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        return handler(body) if handler else _refused("unknown_method")

    def _auth_test(self, body: dict):
        return _ok({"user_id": "UPORTALBOT", "team_id": "TPORTAL", "bot_id": "BPORTAL"})

    def _users_lookupByEmail(self, body: dict):  # noqa: N802 (Slack's method name)
        user_id = self.users.get(body.get("email", ""))
        if user_id is None:
            return _refused("users_not_found")
        profile = {"email": body["email"], "real_name": "A Test Person"}
        return _ok({"user": {"id": user_id, "deleted": False, "is_bot": False, "profile": profile}})

    def _chat_postMessage(self, body: dict):  # noqa: N802
        channel = body.get("channel", "")
        if channel in self.users.values():
            posted_to = "D" + channel[1:]  # the bot's direct message with that person
        elif channel in self.channels:
            posted_to = channel
        else:
            return _refused("channel_not_found")
        problem = _message_problem(body)
        if problem:
            return problem
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        with self._lock:
            self._posted[(posted_to, ts)] = body
        return _ok({"channel": posted_to, "ts": ts, "message": {"ts": ts, "text": body["text"]}})

    def _chat_update(self, body: dict):
        key = (body.get("channel", ""), body.get("ts", ""))
        if key not in self._posted:
            return _refused("message_not_found")
        problem = _message_problem(body)
        if problem:
            return problem
        with self._lock:
            self._posted[key] = {**self._posted[key], **body}
        return _ok({"channel": key[0], "ts": key[1]})


def _ok(fields: dict) -> tuple[int, dict, dict]:
    return 200, {}, {"ok": True, **fields}


def _refused(error: str, **fields) -> tuple[int, dict, dict]:
    return 200, {}, {"ok": False, "error": error, **fields}


def _message_problem(body: dict):
    blocks = body.get("blocks")
    if isinstance(blocks, str):
        try:
            blocks = json.loads(blocks)
        except ValueError:
            return _refused("invalid_blocks_format")
    if not body.get("text") and not blocks:
        return _refused("no_text")
    if blocks is not None:
        problems = blocks_problems(blocks)
        if problems:
            return _refused("invalid_blocks", response_metadata={"messages": problems})
    return None


def _handler(server: SlackServer):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            self._serve()

        def do_GET(self):  # noqa: N802
            self._serve()

        def _serve(self):
            parts = urlsplit(self.path)
            if parts.path.startswith("/api/"):
                method = parts.path.removeprefix("/api/")
            elif parts.path.startswith("/response/"):
                method = "response"
            else:
                self._send(404, {}, "not found")
                return
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = {key: values[-1] for key, values in parse_qs(parts.query).items()}
            if self.headers.get_content_type() == "application/json":
                body.update(json.loads(raw or b"{}"))
            else:
                fields = parse_qs(raw.decode(), keep_blank_values=True)
                body.update({key: values[-1] for key, values in fields.items()})
            auth = self.headers.get("Authorization", "")
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
            with server._lock:
                server.calls.append(Call(method=method, path=parts.path, token=token, body=body))
            answer = server.answer(method, token, body)
            if answer is None:
                self.close_connection = True
                return
            self._send(*answer)

        def _send(self, status: int, headers: dict, body):
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            kind = "text/plain" if isinstance(body, str) else "application/json"
            try:
                self.send_response(status)
                self.send_header("Content-Type", f"{kind}; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, str(value))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
            pass

    return Handler


# Block Kit as Slack checks it -------------------------------------------------------------------

TEXT_TYPES = {"plain_text", "mrkdwn"}
BLOCK_KEYS = {
    "header": {"type", "text", "block_id"},
    "section": {"type", "text", "fields", "accessory", "block_id"},
    "actions": {"type", "elements", "block_id"},
    "context": {"type", "elements", "block_id"},
    "divider": {"type", "block_id"},
}
BUTTON_KEYS = {"type", "text", "action_id", "value", "url", "style", "confirm"}


def blocks_problems(blocks) -> list[str]:
    """What Slack would refuse in `blocks`: types, required fields and the documented limits,
    checked here and again by slack-sdk's own Block Kit models. Empty when it would accept."""
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= 50:
        return ["blocks must be a list of 1 to 50 blocks"]
    problems = []
    for n, block in enumerate(blocks):
        where = f"block {n}"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind not in BLOCK_KEYS:
            problems.append(f"{where}: unknown block type {kind!r}")
            continue
        if set(block) - BLOCK_KEYS[kind]:
            problems.append(f"{where}: unexpected keys {sorted(set(block) - BLOCK_KEYS[kind])}")
        if kind == "header":
            problems += _text_problems(block.get("text"), f"{where} text", 150, plain=True)
        elif kind == "section":
            if "text" not in block and "fields" not in block:
                problems.append(f"{where}: a section needs text or fields")
            if "text" in block:
                problems += _text_problems(block["text"], f"{where} text", 3000)
            if "fields" in block:
                fields = block["fields"]
                if not isinstance(fields, list) or not 1 <= len(fields) <= 10:
                    problems.append(f"{where}: 1 to 10 fields")
                else:
                    for i, item in enumerate(fields):
                        problems += _text_problems(item, f"{where} field {i}", 2000)
        elif kind == "actions":
            problems += _elements_problems(block.get("elements"), where)
        try:
            Block.parse(block).validate_json()
        except (SlackObjectFormationError, AttributeError, KeyError, TypeError) as error:
            problems.append(f"{where}: slack-sdk: {error}")
    return problems


def _text_problems(text, where: str, limit: int, *, plain: bool = False) -> list[str]:
    if not isinstance(text, dict) or text.get("type") not in TEXT_TYPES:
        return [f"{where}: not a text object"]
    if plain and text["type"] != "plain_text":
        return [f"{where}: must be plain_text"]
    if set(text) - {"type", "text", "emoji", "verbatim"}:
        return [f"{where}: unexpected keys in a text object"]
    if "emoji" in text and text["type"] != "plain_text":
        return [f"{where}: emoji is for plain_text only"]
    if "verbatim" in text and text["type"] != "mrkdwn":
        return [f"{where}: verbatim is for mrkdwn only"]
    body = text.get("text")
    if not isinstance(body, str) or not body.strip():
        return [f"{where}: empty text"]
    if len(body) > limit:
        return [f"{where}: {len(body)} characters, more than {limit}"]
    return []


def _elements_problems(elements, where: str) -> list[str]:
    if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
        return [f"{where}: 1 to 25 elements"]
    problems, ids = [], set()
    for i, button in enumerate(elements):
        at = f"{where} element {i}"
        if not isinstance(button, dict) or button.get("type") != "button":
            problems.append(f"{at}: not a button")
            continue
        if set(button) - BUTTON_KEYS:
            problems.append(f"{at}: unexpected keys {sorted(set(button) - BUTTON_KEYS)}")
        problems += _text_problems(button.get("text"), f"{at} text", 75, plain=True)
        if "action_id" in button:
            if not 1 <= len(button["action_id"]) <= 255:
                problems.append(f"{at}: action_id of 1 to 255 characters")
            if button["action_id"] in ids:
                problems.append(f"{at}: action_id {button['action_id']!r} repeated in the block")
            ids.add(button["action_id"])
        if len(button.get("value", "")) > 2000:
            problems.append(f"{at}: value longer than 2000")
        url = button.get("url")
        if url is not None and (not url.startswith(("http://", "https://")) or len(url) > 3000):
            problems.append(f"{at}: url must be http(s), 3000 characters at most")
        if button.get("style", "primary") not in ("primary", "danger"):
            problems.append(f"{at}: style is primary or danger")
    return problems


# Requests as Slack signs them -------------------------------------------------------------------


def signature(body: bytes, *, secret: str, timestamp: int | str) -> str:
    """Slack's `X-Slack-Signature` for `body`: v0= HMAC-SHA256 of `v0:<timestamp>:<body>` under
    the app's signing secret (docs.slack.dev, "Verifying requests from Slack")."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(body: bytes, *, secret: str, timestamp: int | None = None) -> dict:
    """The headers Slack sends with an interactivity POST of `body`, signed now (or at
    `timestamp`)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "X-Slack-Request-Timestamp": str(timestamp),
        "X-Slack-Signature": signature(body, secret=secret, timestamp=timestamp),
    }

"""Microsoft Teams as the portal meets it, on loopback: one HTTP server (in a thread of the test
process) that plays the four services `notifications.channels.teams` talks to, with the request
and answer shapes Microsoft documents:

- a Teams Workflows webhook (``POST /workflows/teams``, its ``sig`` checked; answers 202);
- Microsoft Entra ID's token endpoint (``POST /login/{tenant}/oauth2/v2.0/token``: the client
  credentials grant, the app's id and secret checked, a token per scope);
- Microsoft Graph's ``GET /graph/v1.0/users/{email}`` (a Graph token required);
- the Bot Framework connector's ``POST /connector/v3/conversations`` and
  ``POST /connector/v3/conversations/{id}/activities`` (a connector token required; a person
  without the bot's app gets 403, a removed chat 404);
- the Bot Framework's side of a button pressed on a card: its OpenID metadata
  (``GET /botframework/openid``) and signing keys (``GET /botframework/keys``, each with the
  channels it endorses); `invoke(...)` is the ``adaptiveCard/action`` activity Teams posts to
  the bot's messaging endpoint and `token(...)` the JWT it carries, signed by PyJWT (RS256) as
  the Bot Connector signs them.
  `rotate_keys()` signs with a new key from then on, as Microsoft rolls its keys.

Every request is recorded as it arrived (`received`, `of(endpoint)`). Faults are injected per
endpoint for the next calls: `fail("activities", 429, retry_after=7)`, `fail("graph", 500)`,
`delay("webhook", 5)` (an answer later than the client waits); `revoke_tokens()` makes every
token issued so far invalid, as a secret rotated in Entra ID would.

Usage::

    with TeamsPeer(people={"ada@example.org": Person("oid-1")}) as teams:
        settings.update(teams.settings())
        ...
        assert teams.of("activities")[0].body["attachments"][0]["content"] == card
"""

import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from . import free_port

BOT_SCOPE = "https://api.botframework.com/.default"
GRAPH_SCOPE = "https://graph.microsoft.com/.default"
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
ENDPOINTS = ("webhook", "token", "graph", "conversations", "activities", "openid", "keys")
BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"


@dataclass
class Person:
    object_id: str
    has_app: bool = True  # the bot's Teams app is installed for them (and not blocked)


@dataclass
class Arrival:
    endpoint: str
    method: str
    path: str
    headers: dict
    body: object  # parsed JSON, the form as a dict, or None


@dataclass
class Fault:
    status: int = 0
    retry_after: str | None = None
    body: object = None
    delay: float = 0.0


@dataclass
class TeamsPeer:
    people: dict[str, Person] = field(default_factory=dict)  # email (lower case) -> person
    app_id: str = "00000000-0000-4000-8000-00000000b071"
    app_password: str = "test-bot-secret"  # noqa: S105 - the fake bot's own
    tenant: str = "11111111-1111-4111-8111-111111111111"
    token_lifetime: int = 3599  # seconds, as Entra ID says
    webhook_sig: str = "test-sig"

    def __post_init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.received: list[Arrival] = []
        self.activities: dict[str, list[dict]] = {}  # conversation id -> activities posted
        self._tokens: dict[str, str] = {}  # token -> scope
        self._chats: dict[str, str] = {}  # conversation id -> object id
        self._faults: dict[str, list[Fault]] = {name: [] for name in ENDPOINTS}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", self.port), _Handler)
        self._server.peer = self
        self._signing: list[tuple[str, rsa.RSAPrivateKey, list[str]]] = []  # kid, key, channels
        self.rotate_keys()

    def __enter__(self):
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stopping.set()  # delayed answers give up
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def settings(self) -> dict:
        """The portal's TEAMS_* settings that point at this peer."""
        return {
            "TEAMS_WEBHOOK_URL": f"{self.url}/workflows/teams?api-version=1&sig={self.webhook_sig}",
            "TEAMS_BOT_APP_ID": self.app_id,
            "TEAMS_BOT_APP_PASSWORD": self.app_password,
            "TEAMS_BOT_TENANT_ID": self.tenant,
            "TEAMS_LOGIN_URL": f"{self.url}/login/",
            "TEAMS_SERVICE_URL": f"{self.url}/connector/",
            "TEAMS_GRAPH_URL": f"{self.url}/graph/v1.0/",
            "TEAMS_OPENID_METADATA_URL": f"{self.url}/botframework/openid",
        }

    # the Bot Framework calling the bot

    @property
    def service_url(self) -> str:
        return f"{self.url}/connector/"

    def rotate_keys(self, *, endorses: tuple[str, ...] = ("msteams",)) -> str:
        """A new signing key, listed beside the old ones and used from now on; its id."""
        kid = uuid.uuid4().hex
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        with self._lock:
            self._signing.append((kid, key, list(endorses)))
        return kid

    def token(self, **changes) -> str:
        """A Bot Connector token for this bot, as Microsoft issues them; `changes` overrides
        claims (aud, iss, exp, serviceUrl) or, with `key=`/`kid=`/`algorithm=`, how it is
        signed."""
        kid, key, _ = self._signing[-1]
        key, kid = changes.pop("key", key), changes.pop("kid", kid)
        algorithm = changes.pop("algorithm", "RS256")
        now = int(time.time())
        claims = {
            "iss": BOT_FRAMEWORK_ISSUER,
            "aud": self.app_id,
            "nbf": now - 5,
            "exp": now + 3600,
            "serviceUrl": self.service_url,
        } | changes
        return jwt.encode(claims, key, algorithm=algorithm, headers={"kid": kid})

    def invoke(self, *, verb: str, data: dict, object_id: str = "oid") -> dict:
        """The activity Teams posts when a person presses an `Action.Execute` button."""
        return {
            "type": "invoke",
            "name": "adaptiveCard/action",
            "id": f"f:{uuid.uuid4().hex}",
            "channelId": "msteams",
            "serviceUrl": self.service_url,
            "from": {"id": f"29:{object_id}", "aadObjectId": object_id},
            "conversation": {"id": f"a:{object_id}", "conversationType": "personal"},
            "recipient": {"id": f"28:{self.app_id}"},
            "value": {"action": {"type": "Action.Execute", "verb": verb, "data": data}},
        }

    # what the test sees and changes

    def of(self, endpoint: str) -> list[Arrival]:
        assert endpoint in ENDPOINTS, endpoint
        with self._lock:
            return [a for a in self.received if a.endpoint == endpoint]

    def fail(self, endpoint: str, status: int, *, retry_after=None, body=None, times: int = 1):
        """The next `times` calls to `endpoint` answer `status` (with Retry-After and a body)."""
        assert endpoint in ENDPOINTS, endpoint
        with self._lock:
            self._faults[endpoint] += [Fault(status, retry_after, body) for _ in range(times)]

    def delay(self, endpoint: str, seconds: float, *, times: int = 1):
        """The next `times` calls to `endpoint` answer only after `seconds`."""
        assert endpoint in ENDPOINTS, endpoint
        with self._lock:
            self._faults[endpoint] += [Fault(delay=seconds) for _ in range(times)]

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def remove_chat(self, object_id: str) -> None:
        """The person removed their chat with the bot: its conversation id is unknown now."""
        with self._lock:
            for conversation, owner in list(self._chats.items()):
                if owner == object_id:
                    del self._chats[conversation]

    # the services

    def answer(self, handler: "_Handler", method: str) -> tuple[int, dict, object]:
        split = urlsplit(handler.path)
        path, query = unquote(split.path), parse_qs(split.query)
        endpoint, route = self._route(method, path)
        body = handler.read_body()
        with self._lock:
            self.received.append(
                Arrival(endpoint or "unknown", method, handler.path, dict(handler.headers), body)
            )
            fault = self._faults[endpoint].pop(0) if endpoint and self._faults[endpoint] else None
        if fault is not None:
            if fault.delay:
                self._stopping.wait(fault.delay)
            if fault.status:
                headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                return fault.status, headers, fault.body
        if endpoint is None:
            return _error(404, "NotFound", "No such route.")
        return getattr(self, f"_{endpoint}")(handler, route, query, body)

    @staticmethod
    def _route(method: str, path: str) -> tuple[str | None, list[str]]:
        parts = path.strip("/").split("/")
        if method == "POST" and parts == ["workflows", "teams"]:
            return "webhook", []
        if method == "POST" and parts[0] == "login" and parts[2:] == ["oauth2", "v2.0", "token"]:
            return "token", [parts[1]]
        if method == "GET" and len(parts) == 4 and parts[:3] == ["graph", "v1.0", "users"]:
            return "graph", [parts[3]]
        if method == "POST" and parts == ["connector", "v3", "conversations"]:
            return "conversations", []
        if method == "GET" and parts == ["botframework", "openid"]:
            return "openid", []
        if method == "GET" and parts == ["botframework", "keys"]:
            return "keys", []
        if (
            method == "POST"
            and len(parts) == 5
            and parts[:3] == ["connector", "v3", "conversations"]
            and parts[4] == "activities"
        ):
            return "activities", [parts[3]]
        return None, []

    def _webhook(self, handler, route, query, body):
        if query.get("sig") != [self.webhook_sig]:
            return 401, {}, {"error": {"code": "DirectApiAuthorizationRequired"}}
        body = body if isinstance(body, dict) else {}
        attachments = body.get("attachments") or [{}]
        if (
            body.get("type") != "message"
            or attachments[0].get("contentType") != ADAPTIVE_CARD
            or (attachments[0].get("content") or {}).get("type") != "AdaptiveCard"
        ):
            return 400, {}, {"error": {"code": "InvalidTemplate"}}
        return 202, {}, None

    def _token(self, handler, route, query, form):
        form = form if isinstance(form, dict) else {}
        if route[0] != self.tenant:
            return 400, {}, {"error": "invalid_request", "error_codes": [90002]}
        if form.get("grant_type") != "client_credentials":
            return 400, {}, {"error": "unsupported_grant_type", "error_codes": [70003]}
        if form.get("client_id") != self.app_id:
            return 400, {}, {"error": "unauthorized_client", "error_codes": [700016]}
        if form.get("client_secret") != self.app_password:
            return 401, {}, {"error": "invalid_client", "error_codes": [7000215]}
        scope = form.get("scope")
        if scope not in (BOT_SCOPE, GRAPH_SCOPE):
            return 400, {}, {"error": "invalid_scope", "error_codes": [1002012]}
        token = f"{'graph' if scope == GRAPH_SCOPE else 'bf'}-{secrets.token_hex(8)}"
        with self._lock:
            self._tokens[token] = scope
        lifetime = self.token_lifetime
        answer = {"token_type": "Bearer", "expires_in": lifetime, "ext_expires_in": lifetime}
        return 200, {}, {**answer, "access_token": token}

    def _bearer_is(self, handler, scope: str) -> bool:
        header = handler.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
        with self._lock:
            return self._tokens.get(token) == scope

    def _graph(self, handler, route, query, body):
        if not self._bearer_is(handler, GRAPH_SCOPE):
            return 401, {}, {"error": {"code": "InvalidAuthenticationToken"}}
        email = route[0]
        person = self.people.get(email.lower())
        if person is None:
            return _error(404, "Request_ResourceNotFound", f"Resource '{email}' does not exist.")
        context = f"{self.url}/graph/v1.0/$metadata#users(id)/$entity"
        return 200, {}, {"@odata.context": context, "id": person.object_id}

    def _conversations(self, handler, route, query, body):
        if not self._bearer_is(handler, BOT_SCOPE):
            return 401, {}, {"message": "Authorization has been denied for this request."}
        body = body if isinstance(body, dict) else {}
        members = body.get("members")
        if (
            (body.get("bot") or {}).get("id") != f"28:{self.app_id}"
            or body.get("isGroup") is not False
            or body.get("tenantId") != self.tenant
            or ((body.get("channelData") or {}).get("tenant") or {}).get("id") != self.tenant
            or not isinstance(members, list)
            or len(members) != 1
            or not str(members[0].get("id", "")).startswith("8:orgid:")
        ):
            return _error(400, "BadArgument", "Bad conversation.")
        object_id = members[0]["id"].removeprefix("8:orgid:")
        person = next((p for p in self.people.values() if p.object_id == object_id), None)
        if person is None:
            return _error(404, "NotFound", "User not found.")
        if not person.has_app:
            return _error(403, "Forbidden", "The bot is not part of the conversation roster.")
        conversation = f"a:1{object_id.replace('-', '')}"  # the same chat every time
        with self._lock:
            self._chats[conversation] = object_id
        return 201, {}, {"id": conversation}

    def _openid(self, handler, route, query, body):
        return (
            200,
            {},
            {"issuer": BOT_FRAMEWORK_ISSUER, "jwks_uri": f"{self.url}/botframework/keys"},
        )

    def _keys(self, handler, route, query, body):
        with self._lock:
            keys = [_public_jwk(kid, key, channels) for kid, key, channels in self._signing]
        return 200, {}, {"keys": keys}

    def _activities(self, handler, route, query, body):
        if not self._bearer_is(handler, BOT_SCOPE):
            return 401, {}, {"message": "Authorization has been denied for this request."}
        conversation = route[0]
        with self._lock:
            object_id = self._chats.get(conversation)
        if object_id is None:
            return _error(404, "ConversationNotFound", "Conversation not found.")
        person = next(p for p in self.people.values() if p.object_id == object_id)
        if not person.has_app:
            inner = {"subCode": "MessageWritesBlocked", "details": "Thread is blocked."}
            return 403, {}, {"errorCode": 209, "message": json.dumps(inner)}
        body = body if isinstance(body, dict) else {}
        attachments = body.get("attachments") or [{}]
        if (
            body.get("type") != "message"
            or attachments[0].get("contentType") != ADAPTIVE_CARD
            or (attachments[0].get("content") or {}).get("type") != "AdaptiveCard"
        ):
            return _error(400, "BadArgument", "Bad activity.")
        with self._lock:
            posted = self.activities.setdefault(conversation, [])
            posted.append(body)
            number = sum(len(a) for a in self.activities.values())
        return 201, {}, {"id": f"1:{number}"}


def _public_jwk(kid: str, key: rsa.RSAPrivateKey, endorsements: list[str]) -> dict:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return jwk | {"kid": kid, "use": "sig", "endorsements": endorsements}


def _error(status: int, code: str, message: str) -> tuple[int, dict, dict]:
    """An error as Graph and the Bot Framework write theirs."""
    return status, {}, {"error": {"code": code, "message": message}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    peer: TeamsPeer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self):  # noqa: N802 - http.server's naming
        self._serve("GET")

    def do_POST(self):  # noqa: N802
        self._serve("POST")

    def read_body(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not raw:
            return None
        kind = self.headers.get("Content-Type", "")
        if kind.startswith("application/x-www-form-urlencoded"):
            return {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        try:
            return json.loads(raw)
        except ValueError:
            return raw.decode(errors="replace")

    def _serve(self, method: str):
        status, headers, body = self.server.peer.answer(self, method)
        data = b"" if body is None else json.dumps(body).encode()
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if data:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped waiting (a delayed answer)

    def log_message(self, format, *args):  # noqa: A002 - quiet, like the other peers
        pass

"""A button pressed on a Teams card reaches the portal as an activity the Bot Framework posts to
the bot's messaging endpoint (`/notifications/teams/messages/`, registered on the Azure Bot).
`verify` decides whether Microsoft sent it, as Microsoft documents for the Bot Connector:

- the request carries `Authorization: Bearer <JWT>`, signed (RS256) by one of the keys listed
  in the Bot Framework's OpenID metadata (`TEAMS_OPENID_METADATA_URL`, Microsoft's own by
  default; its key set is kept a day, and fetched again once when a token names a key not in
  it, which is how Microsoft rolls its keys);
- issued by `https://api.botframework.com`, for this bot (audience `TEAMS_BOT_APP_ID`), not
  expired (five minutes' leeway for clocks);
- the key endorses the activity's channel (`msteams`), and the token's `serviceUrl` is the
  activity's.

A token stays valid for a while, so each activity id is remembered for a day in the shared cache
(`add` is atomic on Redis) and a second delivery of the same press is not acted on. The body is
read only once the token holds, never beyond 64 KB. The view answers a `Refused` with 401 and an
`Unreadable` with 400, each with a sentence.
"""

import hashlib

import jwt
import requests
from django.conf import settings
from django.core.cache import cache

from portal.bad_input import BadInput, json_parse

MAX_BODY = 64 * 1024
ISSUER = "https://api.botframework.com"
LEEWAY = 5 * 60  # seconds of clock difference allowed (Microsoft's)
KEYS_SECONDS = 24 * 60 * 60  # how long the key set is kept
REFETCH_SECONDS = 5 * 60  # a token naming an unknown key fetches the set at most this often
REPLAY_SECONDS = 24 * 60 * 60  # how long an activity id is remembered
KEYS_CACHE = "notifications:teams:keys"


class Refused(Exception):
    """Not an activity Microsoft sent this bot; the text says why."""

    status = 401


class Unreadable(Refused):
    """Sent by Microsoft, but not an activity we can read."""

    status = 400


def verify(request) -> dict:
    """The activity of `request` if the Bot Framework sent it to this bot; `Refused` otherwise."""
    if not settings.TEAMS_BOT_APP_ID:
        raise Refused("The Teams bot is not set up on this portal: TEAMS_BOT_APP_ID is unset.")
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY or len(request.body) > MAX_BODY:
        raise Refused(
            f"The request is larger than any Teams sends ({MAX_BODY // 1024} KB at most)."
        )
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Refused("The request carries no Bot Framework token.")
    claims, endorsements = _claims(token.strip())
    activity = _activity(request.body)
    channel = activity.get("channelId")
    if not isinstance(channel, str) or channel not in endorsements:
        raise Refused(
            "The Bot Framework's key that signed the token does not vouch for this activity's "
            "channel."
        )
    if claims.get("serviceUrl") != activity.get("serviceUrl"):
        raise Refused("The token was issued for another service address than the activity's.")
    activity_id = activity.get("id")
    if not isinstance(activity_id, str) or not activity_id:
        raise Unreadable("The activity has no id as Teams' activities have.")
    seen = "notifications:teams:activity:" + hashlib.sha256(activity_id.encode()).hexdigest()
    if not cache.add(seen, 1, REPLAY_SECONDS):
        raise Refused("This Teams activity was received before: a replay is not acted on.")
    return activity


def _claims(token: str) -> tuple[dict, list[str]]:
    """The token's claims and its key's endorsements, once its signature, issuer, audience and
    times hold."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Refused("The Bot Framework token cannot be read.") from None
    if header.get("alg") != "RS256":
        raise Refused("The Bot Framework token is not signed the way Microsoft signs them.")
    key = _key(str(header.get("kid", "")))
    try:
        claims = jwt.decode(
            token,
            key=jwt.PyJWK(key).key,
            algorithms=["RS256"],
            audience=settings.TEAMS_BOT_APP_ID,
            issuer=ISSUER,
            leeway=LEEWAY,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise Refused("The Bot Framework token has expired (or a clock is off).") from None
    except jwt.InvalidAudienceError:
        raise Refused("The Bot Framework token is for another bot (TEAMS_BOT_APP_ID).") from None
    except jwt.InvalidIssuerError:
        raise Refused("The token was not issued by the Bot Framework.") from None
    except jwt.InvalidSignatureError:
        raise Refused("The Bot Framework token's signature does not match its key.") from None
    except jwt.PyJWTError as error:
        raise Refused(f"The Bot Framework token is not valid: {error}.") from None
    endorsements = key.get("endorsements")
    return claims, endorsements if isinstance(endorsements, list) else []


def _key(kid: str) -> dict:
    """The signing key named `kid` from the Bot Framework's key set (kept a day)."""
    keys = cache.get(KEYS_CACHE)
    if keys is None or (kid not in keys and cache.add(f"{KEYS_CACHE}:refetch", 1, REFETCH_SECONDS)):
        keys = _keys_fetch()
        cache.set(KEYS_CACHE, keys, KEYS_SECONDS)
    if kid not in keys:
        raise Refused("The Bot Framework token is signed with a key Microsoft does not list.")
    return keys[kid]


def _keys_fetch() -> dict[str, dict]:
    """Every key of the Bot Framework's OpenID metadata, by id. A failure to reach Microsoft is
    a refusal (Teams tries the press again), never a 500."""
    try:
        metadata = _get_json(settings.TEAMS_OPENID_METADATA_URL)
        key_set = _get_json(str(metadata.get("jwks_uri", "")))
    except (requests.RequestException, ValueError, AttributeError) as error:
        raise Refused(f"The Bot Framework's signing keys could not be read: {error}.") from None
    keys = key_set.get("keys") if isinstance(key_set, dict) else None
    return {
        str(key["kid"]): key
        for key in keys or []
        if isinstance(key, dict) and key.get("kid") and key.get("kty") == "RSA"
    }


def _get_json(url: str):
    response = requests.get(url, timeout=settings.CHANNEL_TIMEOUT)
    response.raise_for_status()
    return response.json()


def _activity(body: bytes) -> dict:
    try:
        activity = json_parse(body)
    except BadInput as error:
        raise Unreadable(f"The activity cannot be read: {error}") from None
    if not isinstance(activity, dict):
        raise Unreadable("The activity is not a JSON object as Teams sends it.")
    return activity

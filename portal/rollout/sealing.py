"""Sealing what must not be readable in the database: pulse answers waiting for their batch.

AES-256-GCM under a key derived from `SECRET_KEY`, with a random nonce per seal and no
timestamp (a Fernet token carries the time it was made in clear, which is exactly what must
not be kept). Someone who can read the database but not the portal's settings sees only that
the sealed value changed, not what was added. `SECRET_KEY_FALLBACKS` are tried when opening,
so a key can be rotated: keep the old key there until the waiting answers have been released.
"""

import hashlib
import hmac
import json
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PURPOSE = b"portal.rollout.pulse-pending"
NONCE = 12


class Unsealable(Exception):
    """The sealed value cannot be opened with any configured key (or was tampered with)."""


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), PURPOSE, hashlib.sha256).digest()


def seal(value, *, size: int = 0) -> bytes:
    """`value` (anything JSON can carry) sealed under the current key, padded with spaces
    (which JSON ignores) to `size` bytes, so the length says no more than `size` does. A
    value longer than `size` is padded to the next multiple of it."""
    nonce = secrets.token_bytes(NONCE)
    data = json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    if size:
        data += b" " * (-len(data) % size if len(data) > size else size - len(data))
    return nonce + AESGCM(_key(settings.SECRET_KEY)).encrypt(nonce, data, PURPOSE)


def unseal(sealed: bytes):
    """What `seal` sealed, under the current key or a fallback; `Unsealable` otherwise."""
    sealed = bytes(sealed)
    nonce, body = sealed[:NONCE], sealed[NONCE:]
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            return json.loads(AESGCM(_key(secret)).decrypt(nonce, body, PURPOSE))
        except (InvalidTag, ValueError):
            continue
    raise Unsealable("No configured key opens the waiting pulse answers.")

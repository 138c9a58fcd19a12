"""Certificate codes: 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L).

Drawn from `secrets`: 31^12 is about 8 x 10^17, so guessing a real one is hopeless; a clash on
issue is caught by the unique constraint and drawn again.
"""

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 12


def code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_normal(text: str) -> str:
    """What a person typed, as stored: "abcd-efgh jkmn pqrs" -> "ABCDEFGHJKMNPQRS"."""
    return "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())[:32]


def code_display(code: str) -> str:
    """ABCDEFGHJKMN -> ABCD-EFGH-JKMN, easier to read aloud and to type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

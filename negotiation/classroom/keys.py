"""Secrets of the classroom: join codes, seat tokens and the teacher's key.

Join codes are drawn at random from an alphabet without look-alike characters (no 0/O, 1/I/L), so
they are easy to read off a projector and cannot be guessed by counting. Seat tokens are long random
URL-safe strings; only their SHA-256 hash is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
TEACHER_KEY_ENV = "NEGOTIATION_TEACHER_KEY"
MIN_TEACHER_KEY = 12
"""A shorter key could be found by guessing; a generated key has 32 characters."""


class WeakTeacherKey(ValueError):
    """A teacher's key shorter than `MIN_TEACHER_KEY`."""


def new_join_code(length: int = CODE_LENGTH) -> str:
    """A random join code, e.g. ``K7QX2M``."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(code: str) -> str:
    """A join code as typed by a person: case and surrounding spaces do not matter."""
    return str(code).strip().upper()


def new_token() -> str:
    """A secret seat token."""
    return secrets.token_urlsafe(24)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same_secret(given: str | None, expected: str) -> bool:
    """Compare secrets in constant time."""
    return given is not None and hmac.compare_digest(str(given).encode(), expected.encode())


def check_teacher_key(key: str) -> None:
    """Refuse a teacher's key that is too short to resist guessing."""
    if not isinstance(key, str) or len(key) < MIN_TEACHER_KEY:
        raise WeakTeacherKey(
            f"the teacher's key must have at least {MIN_TEACHER_KEY} characters "
            f"(it has {len(key) if isinstance(key, str) else 0}); choose a longer one in "
            f"{TEACHER_KEY_ENV}, or leave it unset to get a generated key"
        )


def teacher_key_from_env() -> tuple[str, bool]:
    """The teacher's key from ``NEGOTIATION_TEACHER_KEY``, or a new random one.

    Returns the key and whether it was generated (the caller prints a generated key). A key
    shorter than `MIN_TEACHER_KEY` characters is refused (`WeakTeacherKey`).
    """
    key = os.environ.get(TEACHER_KEY_ENV, "").strip()
    if key:
        check_teacher_key(key)
        return key, False
    return secrets.token_urlsafe(24), True

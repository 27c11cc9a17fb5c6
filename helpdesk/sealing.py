"""Secrets kept in the database (the bot token set in the panel) are sealed with the instance's key.

The key lives in the data dir, the database may travel (backups, the PostgreSQL export): a copy of the
database alone does not give the token away.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_PURPOSE = b"helpdesk settings v1"


def _cipher(secret_key: bytes) -> AESGCM:
    return AESGCM(hashlib.sha256(_PURPOSE + secret_key).digest())


def seal(secret_key: bytes, text: str) -> str:
    nonce = os.urandom(12)
    return base64.urlsafe_b64encode(nonce + _cipher(secret_key).encrypt(nonce, text.encode(), _PURPOSE)).decode()


def unseal(secret_key: bytes, sealed: str) -> str | None:
    """The text, or None when it was sealed with another key (a database moved without its data dir)."""
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
        return _cipher(secret_key).decrypt(raw[:12], raw[12:], _PURPOSE).decode()
    except (InvalidTag, ValueError):
        return None

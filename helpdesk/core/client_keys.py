"""Idempotency keys: a client's retry of a create (a redelivered bot update, a repeated API call or form
post) finds what the first call made instead of making it twice.

Keys are stored as "<channel>:<key>" and are unique per author (migration 0009): one user's key never
meets another's, and no channel can claim another's keys (a form post cannot take a bot update's key).
"""

from __future__ import annotations

import hashlib
import json

from helpdesk.core import fields
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, ValidationError

MAX_KEY = 64


def stored_key(actor: Actor, key: str | None) -> str | None:
    """The key as stored for this actor's channel, or None without one."""
    key = fields.clean_text(key).strip()
    if not key:
        return None
    if len(key) > MAX_KEY:
        raise ValidationError(N_("The idempotency key is too long (%(max)s characters at most)."),
                              field="client_key", max=MAX_KEY)
    return f"{actor.channel}:{key}"


def digest(*values: object) -> str:
    """What was asked, in short, kept with the key."""
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, default=str).encode()).hexdigest()


def reused() -> ValidationError:
    """The same key came with different data: a client bug that must not pass as a replay."""
    return ValidationError(N_("This idempotency key was already used with different data."), field="client_key")

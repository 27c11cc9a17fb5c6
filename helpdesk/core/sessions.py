"""Ending a user's panel sessions on the server, not only in the browser that asked.

Panel sessions live in signed cookies; each carries the user's `session_version` from the moment it was
issued and is accepted only while the user's current version is the same (web.auth). Bumping the
version ends every session of that user in every browser: logout is "log out everywhere", which is what
a person means after leaving a shared or stolen computer. API tokens are separate and stay valid.
"""

from __future__ import annotations

from helpdesk.core import audit
from helpdesk.core.actors import Actor
from helpdesk.db.database import write_transaction
from helpdesk.db.models import User


def end_sessions(actor: Actor, user: User, reason: str) -> None:
    """Every panel session of `user` stops working now (`reason`: logout, deactivation, …, for the audit)."""
    with write_transaction():
        User.update(session_version=User.session_version + 1).where(User.id == user.id).execute()
        audit.record(actor, "sessions_end", entity="user", entity_id=user.id, after={"reason": reason})


def fingerprint(user: User) -> str:
    """What a session must still match: the version, the role and the password generation.

    A role change or a new password therefore ends older sessions without anyone remembering to.
    """
    return f"{user.session_version}:{user.role}:{(user.password_hash or '')[-12:]}"

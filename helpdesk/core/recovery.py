"""The operator's way back in: a password set at the server's console, and the hint that it exists."""

from __future__ import annotations

from helpdesk.core import audit, people
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, Forbidden, NotFound
from helpdesk.db.database import write_transaction
from helpdesk.db.models import User

FIRST_ADMIN = "admin"  # the login people.ensure_first_admin creates


def set_password(actor: Actor, login: str, password: str) -> User:
    """Set a web password from the command line (`helpdesk user set-password LOGIN`).

    Only the console may do this: whoever runs it owns the server and typed the password themselves,
    so no change is forced at the next login (unlike an admin's reset in the panel). A lockout after
    failed logins ends too: a locked-out operator is the reason to run it.
    """
    if actor.channel != "cli" or actor.user is not None:
        raise Forbidden(N_("Only an administrator may do this."))
    user = User.get_or_none(User.username == (login or "").strip().lower())
    if user is None:
        raise NotFound(N_("There is no user with the login %(login)s."), login=login)
    people.validate_password(password)
    with write_transaction():
        User.update(password_hash=people.hash_password(password), must_change_password=False
                    ).where(User.id == user.id).execute()
        audit.record(actor, "password_change", entity="user", entity_id=user.id,
                     after={"must_change_password": False})
    return User.get_by_id(user.id)


def first_admin_never_logged_in() -> bool:
    """The first-run admin exists, is active and has never logged in: its printed password may be lost."""
    return User.select().where((User.username == FIRST_ADMIN) & (User.role == "admin") & User.active
                               & User.last_login_at.is_null() & User.password_hash.is_null(False)).exists()

"""Keeping users (admins): the list, one user, and changes to name, role, placement and activity.

Creating users, passwords, invites and access requests live in `people`; so do the checks this module
shares with them (placement, unique login and Telegram account, no self-deactivation).
"""

from __future__ import annotations

from typing import Any

import peewee as pw

from helpdesk.core import audit, fields, org, people
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_, Conflict, NotFound
from helpdesk.core.visibility import require_active
from helpdesk.db.database import write_transaction
from helpdesk.db.models import Branch, User, Warehouse
from helpdesk.i18n import LANGUAGES


def users(actor: Actor, role: str | None = None, active: bool | None = None) -> list[User]:
    """Every user (never deleted, so the retired too), active first, then by role and name."""
    require_active(actor)
    require_admin(actor)
    query = (User.select(User, Branch, Warehouse).join(Branch, join_type=pw.JOIN.LEFT_OUTER).switch(User)
             .join(Warehouse, join_type=pw.JOIN.LEFT_OUTER)
             .order_by(User.active.desc(), User.role, User.display_name, User.id))
    if role:
        query = query.where(User.role == role)
    if active is not None:
        query = query.where(User.active == active)
    return list(query)


def get_user(actor: Actor, user_id: int) -> User:
    """One user by id (admins); an unknown id, however large, is NotFound."""
    require_active(actor)
    require_admin(actor)
    user = fields.by_id(User, user_id)
    if user is None:
        raise NotFound(N_("User %(id)s was not found."), id=user_id)
    return user


def _placement(user: User) -> dict[str, object]:
    return {"display_name": user.display_name, "role": user.role,
            "branch": user.branch.code if user.branch_id else None,
            "warehouse": user.warehouse.code if user.warehouse_id else None}


def create_user(actor: Actor, display_name: str, role: str, *, branch_code: str | None = None,
                warehouse_code: str | None = None, **details: Any) -> User:
    """people.create_user for input that names the branch and warehouse by code (the API)."""
    require_admin(actor)  # before looking anything up: the answer must not tell what exists
    return people.create_user(actor, display_name, role,
                              branch=org.branch_by_code(branch_code) if branch_code else None,
                              warehouse=org.warehouse_by_code(warehouse_code) if warehouse_code else None,
                              **details)


def update_user(actor: Actor, user: User, *, display_name: str | None = None, role: str | None = None,
                branch_code: str | None = None, warehouse_code: str | None = None,
                active: bool | None = None) -> User:
    """Change what is given (None: keep). The role decides which of branch and warehouse stays."""
    require_active(actor)
    require_admin(actor)
    name = people.clean_display_name(display_name) if display_name is not None else user.display_name
    new_role = role if role is not None else user.role
    branch = org.branch_by_code(branch_code) if branch_code else user.branch
    warehouse = org.warehouse_by_code(warehouse_code) if warehouse_code else user.warehouse
    people.check_placement(new_role, branch, warehouse)
    if actor.user_id == user.id and new_role != "admin":
        raise Conflict(N_("You cannot take the administrator role away from yourself."), field="role")
    before = _placement(user)
    with write_transaction():
        (User.update(display_name=name, role=new_role, branch=branch if new_role == "branch" else None,
                     warehouse=warehouse if new_role == "storekeeper" else None)
         .where(User.id == user.id).execute())
        changed = User.get_by_id(user.id)
        old, new = audit.diff(before, _placement(changed))
        if new:
            audit.record(actor, "user_update", entity="user", entity_id=user.id, before=old, after=new)
        if active is not None and active != user.active:  # refuses self-deactivation: all of this rolls back
            changed = people.set_active(actor, changed, active)
    return changed


def update_contacts(actor: Actor, user: User, *, telegram_id: int | None, username: str | None, email: str | None,
                    language: str) -> User:
    """Telegram link, web login, email and language: what `update_user` leaves alone. None unlinks."""
    require_active(actor)
    require_admin(actor)
    username = fields.text(username or "", "username", 64).lower() or None
    email = fields.text(email or "", "email", 254) or None
    if telegram_id is not None:
        fields.integer(telegram_id, "telegram_id", 1, fields.DB_INT_MAX)
    people.check_unique(username, telegram_id, user)
    language = language if language in LANGUAGES else user.language
    before = {"telegram_id": user.telegram_id, "username": user.username, "email": user.email,
              "language": user.language}
    after = {"telegram_id": telegram_id, "username": username, "email": email, "language": language}
    old, new = audit.diff(before, after)
    if not new:
        return user
    with write_transaction():
        User.update(**after).where(User.id == user.id).execute()
        audit.record(actor, "user_update", entity="user", entity_id=user.id, before=old, after=new)
    return User.get_by_id(user.id)

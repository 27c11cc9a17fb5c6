"""Row-level permissions: which requests an actor may see. Every channel goes through here."""

from __future__ import annotations

import peewee as pw

from helpdesk.core import fields
from helpdesk.core.actors import STAFF_ROLES, Actor
from helpdesk.core.cache import cached
from helpdesk.core.errors import N_, Forbidden, NotFound
from helpdesk.db.models import Branch, Ticket, User


def own_branch(actor: Actor) -> Branch | None:
    """The branch a person orders for and reports from in the bot and the Mini App: branch staff's own.

    Staff have none there (they create requests for any branch in the panel)."""
    if actor.role == "branch" and actor.user is not None and actor.user.branch_id is not None:
        return actor.user.branch
    return None

def require_active(actor: Actor) -> None:
    if actor.user is not None and not actor.user.active:
        raise Forbidden(N_("Your account is deactivated."))


def scope(query: pw.ModelSelect, actor: Actor) -> pw.ModelSelect:
    """Restrict a Ticket query to what the actor may see."""
    require_active(actor)
    if actor.is_admin:
        return query
    if actor.role == "storekeeper":
        return query.where(Ticket.warehouse == actor.user.warehouse_id)
    if actor.role == "branch":
        return query.where(Ticket.branch == actor.user.branch_id)
    return query.where(pw.SQL("1 = 0"))


def can_see(actor: Actor, ticket: Ticket) -> bool:
    if actor.user is not None and not actor.user.active:
        return False
    if actor.is_admin:
        return True
    if actor.role == "storekeeper":
        return ticket.warehouse_id is not None and ticket.warehouse_id == actor.user.warehouse_id
    if actor.role == "branch":
        return ticket.branch_id == actor.user.branch_id
    return False


def get_visible(actor: Actor, number: str) -> Ticket:
    """The request with this public number: NotFound when there is none, Forbidden when it is not the actor's.

    Numbers run in sequence, so whether one exists is no secret; its contents are.
    """
    require_active(actor)
    number = fields.clean_text(number)
    ticket = Ticket.get_or_none(Ticket.number == number)
    if ticket is None:
        raise NotFound(N_("Request %(number)s was not found."), number=number)
    if not can_see(actor, ticket):
        raise Forbidden(N_("Request %(number)s belongs to another branch or warehouse."), number=number)
    return ticket


def visible_branches(actor: Actor) -> list[Branch]:
    """Branches the actor works with: all (admin), the warehouse's (storekeeper), their own (branch).

    Read from the short cache (cache.py; the rows are shared: read them, never change them): every page
    of the requests list offers them, and building 300 branches took a third of an admin's list handler.
    """
    active = cached("active_branches", lambda: list(Branch.select().where(Branch.active).order_by(Branch.code)))
    if actor.role == "storekeeper":
        return [b for b in active if b.warehouse_id == actor.user.warehouse_id]
    if actor.role == "branch":
        return [b for b in active if b.id == actor.user.branch_id]
    return list(active) if actor.is_admin else []


def staff_members(actor: Actor) -> list[User]:
    """People a request can be assigned to, as the actor sees them (shared cached rows, as above)."""
    if not actor.is_staff:
        return []
    staff = cached("active_staff", lambda: list(User.select().where(User.active & User.role.in_(STAFF_ROLES))
                                                .order_by(User.display_name)))
    if actor.role == "storekeeper":
        return [u for u in staff if u.role == "admin" or u.warehouse_id == actor.user.warehouse_id]
    return list(staff)


def may_be_assigned(user: User, ticket: Ticket) -> bool:
    """Who may hold a request: an active admin, or an active storekeeper of the request's warehouse."""
    return bool(user.active) and (user.role == "admin" or (
        user.role == "storekeeper" and user.warehouse_id is not None and user.warehouse_id == ticket.warehouse_id))


def assignees_for(actor: Actor, ticket: Ticket) -> list[User]:
    """The people a staff member may give this request to: exactly those `may_be_assigned` lets hold it."""
    if not actor.is_staff:
        return []
    keepers = (User.role == "storekeeper") & (User.warehouse == ticket.warehouse_id)
    query = User.select().where(User.active & ((User.role == "admin") | keepers)).order_by(User.display_name)
    return [u for u in query if may_be_assigned(u, ticket)]

"""The request lifecycle: which action moves which status, and who may do it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from helpdesk.core import audit, fields, outbox, stock
from helpdesk.core.actors import STAFF_ROLES, Actor
from helpdesk.core.errors import N_, Forbidden, InvalidTransition, Label, ValidationError
from helpdesk.core.snapshots import ticket_state
from helpdesk.core.visibility import can_see, may_be_assigned, require_active
from helpdesk.db.models import Ticket, User, utcnow

MAX_REASON = 2000  # a rejection's reason
STATUSES = ("new", "accepted", "in_progress", "resolved", "closed", "rejected", "cancelled")
# Open: someone on the staff side still has to act. A resolved request waits for its author's
# confirmation (or the auto-close) and is counted apart from the open ones, in every channel.
OPEN_STATUSES = ("new", "accepted", "in_progress")
AWAITING_CONFIRMATION = ("resolved",)
AWAITING_LABEL = N_("Awaiting the author's confirmation")
TERMINAL_STATUSES = ("closed", "rejected", "cancelled")
STATUS_LABELS = {
    "new": N_("New"), "accepted": N_("Accepted"), "in_progress": N_("In progress"),
    "resolved": N_("Resolved"), "closed": N_("Closed"), "rejected": N_("Rejected"),
    "cancelled": N_("Cancelled"),
}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]
    label: str
    author_only: bool = False  # a branch user may do it only on their own request
    needs_reason: bool = False


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("accept", ("new",), "accepted", STAFF_ROLES, N_("Accept")),
    Transition("start", ("accepted",), "in_progress", STAFF_ROLES, N_("Start work")),
    Transition("resolve", ("accepted", "in_progress"), "resolved", STAFF_ROLES, N_("Resolve")),
    Transition("reject", ("new", "accepted", "in_progress"), "rejected", STAFF_ROLES, N_("Reject"), needs_reason=True),
    Transition("cancel", ("new",), "cancelled", frozenset({"admin", "branch"}), N_("Cancel"), author_only=True),
    Transition("confirm", ("resolved",), "closed", frozenset({"admin", "branch"}), N_("Confirm receipt")),
)}
# Moves with no way back that one stray tap should not make: the channels ask before they send them.
CONFIRM = {"cancel": N_("Cancel request %(number)s? A cancelled request cannot be reopened.")}
TIMESTAMP_OF = {"accepted": "accepted_at", "in_progress": "started_at", "resolved": "resolved_at",
                "closed": "closed_at", "rejected": "rejected_at", "cancelled": "cancelled_at"}


def action_label(ticket: Ticket, action: str) -> str:
    """'Resolve' reads 'Ship' on a cartridge order."""
    if action == "resolve" and ticket.type.kind == "cartridges":
        return N_("Ship")
    return TRANSITIONS[action].label


def allowed_actions(actor: Actor, ticket: Ticket) -> list[str]:
    """The actions this actor may take on this request now (for buttons and API hints)."""
    return [a for a in TRANSITIONS if _refusal(actor, ticket, TRANSITIONS[a]) is None]


def check_allowed(actor: Actor, ticket: Ticket, action: str) -> None:
    """Raise why this actor may not take this action now (before asking for a reason, say)."""
    tr = TRANSITIONS.get(action)
    if tr is None:
        raise ValidationError(N_("Unknown action %(action)s."), field="action", action=action)
    refusal = _refusal(actor, ticket, tr)
    if refusal is not None:
        raise refusal


def _refusal(actor: Actor, ticket: Ticket, tr: Transition) -> Forbidden | InvalidTransition | None:
    if actor.user is not None and not actor.user.active:
        return Forbidden(N_("Your account is deactivated."))
    if not can_see(actor, ticket) or (actor.role != "system" and actor.role not in tr.roles):
        return Forbidden(N_("You may not do this with request %(number)s."), number=ticket.number)
    if tr.author_only and actor.role == "branch" and ticket.author_id != actor.user_id:
        return Forbidden(N_("Only the author may cancel request %(number)s."), number=ticket.number)
    if ticket.archived:
        return InvalidTransition(N_("Request %(number)s is archived and read-only."), number=ticket.number)
    if ticket.status not in tr.sources:
        return InvalidTransition(
            N_("Request %(number)s is %(status)s: this action is not possible now."),
            number=ticket.number, status=Label(STATUS_LABELS[ticket.status]))
    return None


def transition(actor: Actor, ticket: Ticket, action: str, reason: str = "") -> Ticket:
    """Move a request through its lifecycle, with audit and notifications, or refuse clearly."""
    require_active(actor)
    tr = TRANSITIONS.get(action)
    if tr is None:
        raise ValidationError(N_("Unknown action %(action)s."), field="action", action=action)
    reason = fields.clean_text(reason).strip()
    if tr.needs_reason and not reason:
        raise ValidationError(N_("Give a reason for rejecting."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(N_("The reason is too long (%(max)s characters at most)."), field="reason",
                              max=MAX_REASON)
    with outbox.changes():
        # Re-read inside the transaction so a stale copy cannot win. SQLite holds its write lock here;
        # PostgreSQL does not, and there the compare-and-set below is what refuses a lost race.
        fresh = Ticket.get_by_id(ticket.id)
        refusal = _refusal(actor, fresh, tr)
        if refusal is not None:
            raise refusal
        before = ticket_state(fresh)
        now = utcnow()
        changes = {"status": tr.target, "updated_at": now, TIMESTAMP_OF[tr.target]: now}
        if tr.needs_reason:
            changes["reject_reason"] = reason
        if tr.target in ("accepted", "resolved"):  # the reports' lead times, in business minutes
            from helpdesk.core import sla  # sla imports this module (staff_for)

            minutes = sla.business_minutes_between(fresh.created_at, now, sla.load_calendar())
            changes["accept_minutes" if tr.target == "accepted" else "resolve_minutes"] = minutes
        # Whoever takes a request without an assignee holds it, admins too, if the one rule lets them.
        if (action in ("accept", "start") and fresh.assignee_id is None and actor.user is not None
                and may_be_assigned(actor.user, fresh)):
            changes["assignee"] = actor.user_id
        # Compare-and-set on the status: of two racing moves only one applies.
        updated = (Ticket.update(**changes)
                   .where((Ticket.id == fresh.id) & (Ticket.status == fresh.status)).execute())
        if updated != 1:
            raise InvalidTransition(N_("Request %(number)s was changed by someone else; reload it."),
                                    number=fresh.number)
        fresh = Ticket.get_by_id(fresh.id)
        if action == "resolve":
            stock.ship_order(actor, fresh)
        after = ticket_state(fresh)
        audit.record(actor, action, ticket=fresh, before=before, after=after
                     | ({"reason": reason} if reason else {}))
        outbox.notify([fresh.author], "status_changed",
                      {"number": fresh.number, "status": fresh.status, "reason": reason}, ticket=fresh,
                      exclude=actor.user)
    return fresh


def auto_close(days: int, now: dt.datetime | None = None) -> int:
    """Close requests resolved more than `days` ago that nobody confirmed."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    count = 0
    for ticket in Ticket.select().where((Ticket.status == "resolved") & (Ticket.resolved_at < cutoff)):
        try:
            transition(Actor.system(), ticket, "confirm")
            count += 1
        except InvalidTransition:
            continue  # moved on meanwhile
    return count


def staff_for(ticket: Ticket) -> list[User]:
    """Who handles this request: the storekeepers of its warehouse, else the admins.

    Read every time, not cached: who is told (and on which channel: a Telegram id linked a second ago,
    on this instance or another) decides whether a request is noticed, which a stale cache would not."""
    return staff_of_warehouse(ticket.warehouse_id)


def staff_of_warehouse(warehouse_id: int | None) -> list[User]:
    """`staff_for` a request of this warehouse, before the request exists (read outside its transaction)."""
    people = list(User.select().where(User.active & ((User.role == "admin") | (
        (User.role == "storekeeper") & (User.warehouse == warehouse_id)))).order_by(User.id))
    keepers = [u for u in people if u.role == "storekeeper"]
    return keepers or [u for u in people if u.role == "admin"]

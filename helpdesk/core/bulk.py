"""One action on many requests at once (the list's bulk actions), each request through its own domain rule."""

from __future__ import annotations

from dataclasses import dataclass, field

from helpdesk.core import lifecycle, tickets
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, DomainError, Forbidden, ValidationError
from helpdesk.core.visibility import get_visible, require_active

ACTIONS = ("accept", "assign", "archive")
ACTION_LABELS = {"accept": N_("Accept"), "assign": N_("Assign"), "archive": N_("Move to archive")}
MAX_ITEMS = 200  # a few pages of the list; more at once is a job for an import, not a click


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)  # request numbers
    refused: list[tuple[str, DomainError]] = field(default_factory=list)  # (number, why)


def apply(actor: Actor, numbers: list[str], action: str, assignee_id: int | None = None) -> BulkResult:
    """Apply `action` to each request in turn: each one is checked, audited and notified on its own,
    so one refusal (another warehouse's request, a status that moved on) does not stop the rest."""
    require_active(actor)
    if not actor.is_staff:
        raise Forbidden(N_("Only staff may change several requests at once."))
    if action not in ACTIONS:
        raise ValidationError(N_("Unknown action %(action)s."), field="action", action=action)
    chosen = list(dict.fromkeys(n.strip() for n in numbers if n and n.strip()))
    if not chosen:
        raise ValidationError(N_("Select at least one request."), field="numbers")
    if len(chosen) > MAX_ITEMS:
        raise ValidationError(N_("Too many requests at once (%(max)s at most)."), field="numbers", max=MAX_ITEMS)
    if action == "assign" and assignee_id is None:
        raise ValidationError(N_("Choose whom to assign the requests to."), field="assignee")
    result = BulkResult()
    for number in chosen:
        try:
            ticket = get_visible(actor, number)
            if action == "accept":
                lifecycle.transition(actor, ticket, "accept")
            elif action == "assign":
                tickets.assign(actor, ticket, assignee_id)
            else:
                tickets.archive(actor, ticket)
        except DomainError as exc:
            result.refused.append((number, exc))
        else:
            result.done.append(number)
    return result

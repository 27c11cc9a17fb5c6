"""Requests (заявки): create, find, comment, assign, edit, archive. Transitions live in lifecycle."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import peewee as pw

from helpdesk.core import audit, client_keys, fields, outbox, sla
from helpdesk.core import search as text_search
from helpdesk.core.actors import ROLES, Actor, require_admin
from helpdesk.core.cache import cached
from helpdesk.core.catalog import active_types_by_code, types_by_id
from helpdesk.core.errors import N_, Conflict, Forbidden, NotFound, ValidationError
from helpdesk.core.lifecycle import STATUSES, TERMINAL_STATUSES, staff_for, staff_of_warehouse
from helpdesk.core.numbering import next_number
from helpdesk.core.snapshots import ticket_state
from helpdesk.core.visibility import can_see, may_be_assigned, require_active, scope
from helpdesk.db import group_commit, rows
from helpdesk.db.database import is_sqlite
from helpdesk.db.models import (
    Branch,
    CartridgeModel,
    Comment,
    OrderLine,
    Printer,
    Ticket,
    TicketType,
    User,
    not_archived,
    utcnow,
)
from helpdesk.formatting import organisation_zone

PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_LABELS = {"low": N_("Low"), "normal": N_("Normal"), "high": N_("High"), "urgent": N_("Urgent")}
MAX_TEXT = 4000  # a description or a comment, in every channel (the bot's forms and the panel's read it)
MIN_DESCRIPTION = 3  # a problem described in fewer characters says nothing
MAX_QUANTITY = 100
MAX_LINES = 30


@dataclass
class TicketDraft:
    """What a channel collected from the user; validated by `create`."""

    type_code: str
    description: str = ""
    branch_id: int | None = None  # branch users: their own branch
    priority: str = "normal"
    printer_id: int | None = None
    asset: str = ""
    lines: list[tuple[int, int]] = field(default_factory=list)  # (cartridge id, quantity)
    client_key: str | None = None  # the same key twice (a redelivered update, a retried call) creates once

    def digest(self) -> str:
        """What was asked: the same idempotency key with another request is refused."""
        return client_keys.digest(self.type_code, fields.clean_text(self.description).strip(), self.branch_id,
                                  self.priority, self.printer_id, fields.clean_text(self.asset).strip(),
                                  sorted(self.lines))


def _earlier_ticket(actor: Actor, key: str, digest: str) -> Ticket | None:
    """The request this author already made with this key; a different request under it is refused."""
    ticket = Ticket.get_or_none((Ticket.author == fields.db_id(actor.user_id or 0)) & (Ticket.client_key == key))
    if ticket is not None and ticket.client_digest not in (None, digest):  # None: keys from before 0009
        raise client_keys.reused()
    return ticket


def _resolve_branch(actor: Actor, branch_id: int | None) -> Branch:
    if actor.role == "branch":
        if branch_id is not None and branch_id != actor.user.branch_id:
            raise Forbidden(N_("You may create requests for your own branch only."))
        branch_id = actor.user.branch_id
    if branch_id is None:
        raise ValidationError(N_("Choose a branch."), field="branch")
    branch = _branches().get(fields.db_id(branch_id))
    if branch is None or not branch.active:
        raise ValidationError(N_("This branch does not exist or is inactive."), field="branch")
    if actor.role == "storekeeper" and branch.warehouse_id != actor.user.warehouse_id:
        raise Forbidden(N_("This branch is served by another warehouse."))
    return branch


def _branches() -> dict[int, Branch]:
    """Every branch by id, read once until one changes (cache.py): each new request resolves its branch."""
    return cached("branches", lambda: {b.id: b for b in Branch.select()})


def _validate_lines(lines: list[tuple[int, int]]) -> list[tuple[CartridgeModel, int]]:
    if not lines:
        raise ValidationError(N_("Add at least one cartridge to the order."), field="lines")
    merged: dict[int, int] = {}
    for cartridge_id, quantity in lines:
        if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
            raise ValidationError(N_("Quantity must be a whole number from 1 to %(max)s."), field="lines",
                                  max=MAX_QUANTITY)
        key = fields.db_id(cartridge_id)  # an impossible id is unknown, not a database error
        merged[key] = merged.get(key, 0) + quantity
    if len(merged) > MAX_LINES:
        raise ValidationError(N_("Too many lines in one order (%(max)s at most)."), field="lines", max=MAX_LINES)
    found = {c.id: c for c in CartridgeModel.select().where(CartridgeModel.id.in_(list(merged))
                                                            & CartridgeModel.active)}
    result = []
    for cartridge_id, quantity in merged.items():
        if cartridge_id not in found:
            raise ValidationError(N_("Unknown cartridge model."), field="lines")
        if quantity > MAX_QUANTITY:
            raise ValidationError(N_("Quantity must be a whole number from 1 to %(max)s."), field="lines",
                                  max=MAX_QUANTITY)
        result.append((found[cartridge_id], quantity))
    return result


def clean_description(text: str | None, *, required: bool = True) -> str:
    """A request's description as stored: trimmed, MAX_TEXT at most; an order's may be empty."""
    description = fields.clean_text(text).strip()
    if len(description) > MAX_TEXT:
        raise ValidationError(N_("The description is too long (%(max)s characters at most)."),
                              field="description", max=MAX_TEXT)
    if required and len(description) < MIN_DESCRIPTION:
        raise ValidationError(N_("Describe the problem (%(min)s characters at least)."), field="description",
                              min=MIN_DESCRIPTION)
    return description


def create(actor: Actor, draft: TicketDraft) -> Ticket:
    """Validate a draft and create the request with its number, SLA deadlines, audit and notices."""
    require_active(actor)
    if actor.role not in ROLES:  # the system and nobody have no name to put on a request
        raise Forbidden(N_("You may not create requests."))
    key = client_keys.stored_key(actor, draft.client_key)
    digest = draft.digest() if key else None
    if key and (earlier := _earlier_ticket(actor, key, digest)) is not None:
        return earlier
    ticket_type = active_types_by_code().get(draft.type_code)
    if ticket_type is None:
        raise ValidationError(N_("Unknown request type."), field="type")
    branch = _resolve_branch(actor, draft.branch_id)
    description = clean_description(draft.description, required=ticket_type.kind != "cartridges")
    if draft.priority not in PRIORITIES:
        raise ValidationError(N_("Unknown priority."), field="priority")
    if draft.lines and ticket_type.kind != "cartridges":
        # Refused rather than dropped: the author would believe cartridges were ordered.
        raise ValidationError(N_("Only a cartridge order lists cartridges: clear the quantities or choose that type."),
                              field="lines")
    lines = _validate_lines(draft.lines) if ticket_type.kind == "cartridges" else []
    printer = None
    if draft.printer_id is not None:
        printer = Printer.get_or_none((Printer.id == fields.db_id(draft.printer_id)) & (Printer.branch == branch))
        if printer is None:
            raise ValidationError(N_("This printer is not registered at the branch."), field="printer")
    if actor.user is None:
        raise Forbidden(N_("You may not create requests."))
    try:
        return _insert(actor, draft, ticket_type, branch, description, lines, printer, key, digest)
    except pw.IntegrityError:
        # The same key at the same moment: the other call won; answer as a replay does.
        earlier = _earlier_ticket(actor, key, digest) if key else None
        if earlier is None:
            raise
        return earlier


def _insert(actor: Actor, draft: TicketDraft, ticket_type: TicketType, branch: Branch, description: str,
            lines: list[tuple[CartridgeModel, int]], printer: Printer | None, key: str | None,
            digest: str | None) -> Ticket:
    author = actor.user
    now = utcnow()
    accept_due, resolve_due = sla.due_times(ticket_type, now)
    # Read before the transaction: its writer lock (SQLite) and the counter's row lock (PostgreSQL)
    # serialise every create, so only the writes belong inside (see README, Performance).
    told = outbox.recipients(staff_of_warehouse(branch.warehouse_id), "ticket_created", exclude=author,
                             urgent=draft.priority == "urgent")
    def write() -> Ticket:
        ticket = rows.insert(
            Ticket, number=next_number(now.year), type=ticket_type, branch=branch, warehouse=branch.warehouse_id,
            author=author, priority=draft.priority, description=description, printer=printer,
            asset=fields.clean_text(draft.asset).strip()[:200], channel=actor.channel, created_at=now, updated_at=now,
            accept_due_at=accept_due, resolve_due_at=resolve_due, client_key=key, client_digest=digest,
        )
        for cartridge, quantity in lines:
            rows.insert(OrderLine, ticket=ticket, cartridge=cartridge, quantity=quantity)
        audit.record(actor, "create", ticket=ticket, after=ticket_state(ticket) | {
            "type": ticket_type.code, "branch": branch.code,
            "lines": [[c.id, q] for c, q in lines]})
        outbox.send(told, "ticket_created", {"number": ticket.number}, ticket=ticket)
        return ticket

    # Creates arriving together share one transaction, each in its own savepoint, and one commit.
    return group_commit.tickets.run(write, outbox.changes)


@dataclass(frozen=True)
class TicketFilter:
    branch_id: int | None = None
    type_code: str | None = None
    statuses: tuple[str, ...] = ()
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    assignee_id: int | None = None
    author_id: int | None = None
    mine: bool = False  # staff: assigned to the actor; a branch user: created by them
    priorities: tuple[str, ...] = ()
    sla: str = ""  # one of sla.SLA_STATES, or "" for any
    text: str = ""
    archived: bool | None = False  # None: both
    sort: str = "-created"
    page: int = 1
    per_page: int = 50
    # Only the requests created before this one (a number). Newest first it is a keyset cursor: a deep
    # `page` reads and skips every row before it, this starts where the last page ended.
    before: str | None = None


@dataclass(frozen=True)
class Page:
    items: list[Ticket]
    total: int
    page: int
    per_page: int
    capped: bool = False  # more than `total` match: counting stopped there (search's count_up_to)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


SORTS = {
    "created": Ticket.id, "-created": Ticket.id.desc(), "status": Ticket.status, "-status": Ticket.status.desc(),
    "priority": Ticket.priority, "-priority": Ticket.priority.desc(),
    "updated": Ticket.updated_at, "-updated": Ticket.updated_at.desc(),
}
RELEVANCE = "relevance"  # best match first: the order of a text search unless another is asked for


def _local_midnight_utc(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), organisation_zone()).astimezone(dt.UTC).replace(tzinfo=None)


def _one_persons(condition: pw.Expression) -> pw.Expression:
    """One person's requests: few among a scope's, which SQLite's statistics cannot tell (most requests
    have no assignee, so the average per value is ~50k). Told so, it reads the (person, archived, status)
    index, where it walked a warehouse's current requests in id order: 0.12 s for a storekeeper's
    "mine + SLA ok" at a million requests. PostgreSQL's statistics know the values apart."""
    return pw.fn.likelihood(condition, pw.SQL("0.001")) if is_sqlite() else condition


def _cursor_id(number: str) -> int:
    """The id of the request with this number: those created before it have smaller ones."""
    found = Ticket.select(Ticket.id).where(Ticket.number == fields.clean_text(number)).tuples().first()
    if found is None:
        raise NotFound(N_("Request %(number)s was not found."), number=number)
    return found[0]


def filtered(actor: Actor, flt: TicketFilter) -> pw.ModelSelect:
    """The actor's requests matching the filter, sorted, not paged (lists and exports share it)."""
    for status in flt.statuses:
        if status not in STATUSES:
            raise ValidationError(N_("Unknown status %(status)s."), field="status", status=status)
    if flt.sort not in SORTS and flt.sort != RELEVANCE:
        raise ValidationError(N_("Unknown sort order."), field="sort")
    for priority in flt.priorities:
        if priority not in PRIORITIES:
            raise ValidationError(N_("Unknown priority."), field="priority")
    if flt.sla and flt.sla not in sla.SLA_STATES:
        raise ValidationError(N_("Unknown SLA state."), field="sla")
    query = scope(Ticket.select(), actor)
    if flt.before is not None:
        query = query.where(Ticket.id < _cursor_id(flt.before))
    if flt.branch_id is not None:
        query = query.where(Ticket.branch == fields.db_id(flt.branch_id))
    if flt.type_code:
        query = query.join(TicketType).where(TicketType.code == fields.clean_text(flt.type_code)).switch(Ticket)
    if flt.statuses:
        query = query.where(Ticket.status.in_(flt.statuses))
    # The organisation's days, as the dashboard and the reports count them (their links lead here).
    if flt.created_from:
        query = query.where(Ticket.created_at >= _local_midnight_utc(flt.created_from))
    if flt.created_to:
        query = query.where(Ticket.created_at < _local_midnight_utc(flt.created_to + dt.timedelta(days=1)))
    if flt.assignee_id is not None:
        query = query.where(_one_persons(Ticket.assignee == fields.db_id(flt.assignee_id)))
    if flt.author_id is not None:
        query = query.where(_one_persons(Ticket.author == fields.db_id(flt.author_id)))
    if flt.mine:
        query = query.where(_one_persons((Ticket.assignee if actor.is_staff else Ticket.author) == actor.user_id))
    if flt.priorities:
        query = query.where(Ticket.priority.in_(flt.priorities))
    if flt.sla:
        query = query.where(sla.sla_condition(flt.sla, utcnow()))
    # The SLA condition holds current requests only and says so: PostgreSQL would count a second
    # `archived = false` twice in its estimate (see sla.sla_condition).
    if flt.archived is True or (flt.archived is False and not flt.sla):
        query = query.where(Ticket.archived == flt.archived)
    text = fields.clean_text(flt.text).strip()
    if text:
        query = query.where(Ticket.id.in_(text_search.ranked(actor, text, query, branch_id=flt.branch_id,
                                                             archived=flt.archived)))
    return query.order_by(SORTS.get(flt.sort, Ticket.id.desc()), Ticket.id.desc())


# The lists' count stops past this many matches (the panel says "10000+", the API `total_capped`): an
# exact count of a million-request archive reads the whole index (~0.2 s) for a number nobody pages
# through. The saved views' counts stay exact.
COUNT_LIMIT = 10_000


def search(actor: Actor, flt: TicketFilter, count_up_to: int | None = None) -> Page:
    """The requests the actor may see that match the filter, one page of them.

    With words to search for, the best matches come first (at most text_search.MAX_RESULTS of them).
    `count_up_to` stops counting there (the page then says "capped"): an exact count of an admin's
    archive reads the whole index, ~0.2 s at a million requests, for a number nobody pages through.
    """
    per_page = min(max(flt.per_page, 1), 500)
    page = max(flt.page, 1)
    offset = (page - 1) * per_page
    text = fields.clean_text(flt.text).strip()
    if text:
        ids = text_search.ranked(actor, text, filtered(actor, replace(flt, text="")), branch_id=flt.branch_id,
                                 archived=flt.archived)
        if flt.sort != RELEVANCE and len(ids) > 1:
            ids = [row[0] for row in Ticket.select(Ticket.id).where(Ticket.id.in_(ids))
                   .order_by(SORTS[flt.sort], Ticket.id.desc()).tuples()]
        return Page(_rows(ids[offset:offset + per_page]), len(ids), page, per_page)
    query = filtered(actor, flt)
    total = count(actor, flt, up_to=count_up_to)
    capped = count_up_to is not None and total > count_up_to
    items: list[Ticket] = []
    if total > offset or capped:  # past the last page there is nothing to read
        # The page's ids first, then their rows: the filter and the order are then read from an index
        # alone, where selecting whole rows read (and sorted) every match's row for a page of 25 (a
        # type and a month at a million requests: ~0.1 s).
        items = _rows([row[0] for row in query.select(Ticket.id).paginate(page, per_page).tuples()])
    return Page(items, min(total, count_up_to) if capped else total, page, per_page, capped)


def count(actor: Actor, flt: TicketFilter, up_to: int | None = None) -> int:
    """How many of the actor's requests match the filter (no text); past `up_to`, up_to + 1 or more."""
    if flt.sla:
        # One count per deadline (the halves never overlap, as on the dashboard): each reads its index
        # range, where the two together (an OR) read every match's row (~0.1 s for an admin's "overdue"
        # at a million requests).
        within = filtered(actor, replace(flt, sla="")).order_by()
        parts = [within.where(part) for part in sla.sla_condition_parts(flt.sla, utcnow())]
    else:
        parts = [filtered(actor, flt).order_by()]
    return sum((part.limit(up_to + 1) if up_to is not None else part).count() for part in parts)


def _rows(ids: list[int]) -> list[Ticket]:
    """The requests with these ids, in this order, with what a list shows of each.

    Three statements for a page: the requests, their people, their order lines with the cartridges.
    Types and branches come from the short cache (shared rows: read only). A prefetch per relation took
    seven (the API's page at a million requests: 10 statements and 10.0 ms CPU before, 6 and 8.6 after).
    """
    if not ids:
        return []
    found = {t.id: t for t in Ticket.select().where(Ticket.id.in_(ids))}
    people_ids = {t.author_id for t in found.values()} | {t.assignee_id for t in found.values() if t.assignee_id}
    people = {u.id: u for u in User.select().where(User.id.in_(list(people_ids)))}
    lines: dict[int, list[OrderLine]] = {}
    for line in (OrderLine.select(OrderLine, CartridgeModel).join(CartridgeModel)
                 .where(OrderLine.ticket.in_(ids)).order_by(OrderLine.id)):
        lines.setdefault(line.ticket_id, []).append(line)
    types, branches = types_by_id(), _branches()
    for ticket in found.values():
        # A type or branch added in another process within the cache's 30 s: read it.
        ticket.type = types.get(ticket.type_id) or TicketType.get_by_id(ticket.type_id)
        ticket.branch = branches.get(ticket.branch_id) or Branch.get_by_id(ticket.branch_id)
        ticket.author = people[ticket.author_id]
        if ticket.assignee_id:
            ticket.assignee = people[ticket.assignee_id]
        ticket.lines = lines.get(ticket.id, [])
    return [found[i] for i in ids]


def add_comment(actor: Actor, ticket: Ticket, body: str, internal: bool = False,
                client_key: str | None = None) -> Comment:
    """A comment both sides see, or an internal note only staff see.

    With `client_key`, the same call again returns the first comment instead of adding another.
    """
    require_active(actor)
    if not can_see(actor, ticket):
        raise Forbidden(N_("You may not do this with request %(number)s."), number=ticket.number)
    if internal and not actor.is_staff:
        raise Forbidden(N_("Only staff may write internal notes."))
    body = fields.clean_text(body).strip()
    key = client_keys.stored_key(actor, client_key)
    if key and (earlier := _earlier_comment(actor, key, ticket, body, internal)) is not None:
        return earlier
    if ticket.archived:
        raise Conflict(N_("Request %(number)s is archived and read-only."), number=ticket.number)
    if not body:
        raise ValidationError(N_("The comment is empty."), field="body")
    if len(body) > MAX_TEXT:
        raise ValidationError(N_("The comment is too long (%(max)s characters at most)."), field="body",
                              max=MAX_TEXT)
    try:
        return _insert_comment(actor, ticket, body, internal, key)
    except pw.IntegrityError:
        earlier = _earlier_comment(actor, key, ticket, body, internal) if key else None
        if earlier is None:
            raise
        return earlier


def _earlier_comment(actor: Actor, key: str, ticket: Ticket, body: str, internal: bool) -> Comment | None:
    comment = Comment.get_or_none((Comment.author == fields.db_id(actor.user_id or 0)) & (Comment.client_key == key))
    if comment is not None and (comment.ticket_id, comment.body, comment.internal) != (ticket.id, body, internal):
        raise client_keys.reused()
    return comment


def _insert_comment(actor: Actor, ticket: Ticket, body: str, internal: bool, key: str | None) -> Comment:
    with outbox.changes():
        comment = Comment.create(ticket=ticket, author=actor.user, body=body, internal=internal,
                                 channel=actor.channel, client_key=key)
        Ticket.update(updated_at=utcnow()).where(Ticket.id == ticket.id).execute()
        audit.record(actor, "note" if internal else "comment", ticket=ticket,
                     after={"comment_id": comment.id, "internal": internal, "body": body})
        if not internal:
            if actor.is_staff:
                recipients = [ticket.author]
            else:
                recipients = [ticket.assignee] if ticket.assignee_id else staff_for(ticket)
            outbox.notify(recipients, "comment_added", {"number": ticket.number, "comment_id": comment.id},
                          ticket=ticket, exclude=actor.user)
    return comment


def assign(actor: Actor, ticket: Ticket, assignee_id: int | None) -> Ticket:
    """Give a request to a staff member of its warehouse (or an admin), or take it back."""
    require_active(actor)
    if not actor.is_staff or not can_see(actor, ticket):
        raise Forbidden(N_("You may not do this with request %(number)s."), number=ticket.number)
    if ticket.archived:
        raise Conflict(N_("Request %(number)s is archived and read-only."), number=ticket.number)
    assignee = None
    if assignee_id is not None:
        assignee = fields.by_id(User, assignee_id)
        if assignee is None or not may_be_assigned(assignee, ticket):
            raise ValidationError(N_("This person cannot handle the request."), field="assignee")
    with outbox.changes():
        before = ticket_state(ticket)
        Ticket.update(assignee=assignee, updated_at=utcnow()).where(Ticket.id == ticket.id).execute()
        ticket = Ticket.get_by_id(ticket.id)
        audit.record(actor, "assign", ticket=ticket, before={"assignee_id": before["assignee_id"]},
                     after={"assignee_id": ticket.assignee_id})
        if assignee is not None:
            outbox.notify([assignee], "assigned", {"number": ticket.number}, ticket=ticket, exclude=actor.user)
    return ticket


def archive(actor: Actor, ticket: Ticket) -> Ticket:
    """Archive a finished request by hand: admins, and the storekeepers of its warehouse. Nothing is deleted."""
    require_active(actor)
    if not actor.is_staff or not can_see(actor, ticket):
        raise Forbidden(N_("You may not do this with request %(number)s."), number=ticket.number)
    if ticket.archived:
        raise Conflict(N_("Request %(number)s is already archived."), number=ticket.number)
    if ticket.status not in TERMINAL_STATUSES:
        raise Conflict(N_("Request %(number)s is not finished yet: only closed, rejected or cancelled "
                          "requests are archived."), number=ticket.number)
    with outbox.changes():
        now = utcnow()
        changed = (Ticket.update(archived=True, archived_at=now)
                   .where((Ticket.id == ticket.id) & (~Ticket.archived)).execute())
        if changed != 1:
            raise Conflict(N_("Request %(number)s is already archived."), number=ticket.number)
        audit.record(actor, "archive", ticket=ticket, before={"archived": False}, after={"archived": True})
    return Ticket.get_by_id(ticket.id)


def unarchive(actor: Actor, ticket: Ticket) -> Ticket:
    """Take a request out of the archive (admins only): it becomes editable again until archived anew."""
    require_active(actor)
    require_admin(actor)
    with outbox.changes():
        changed = (Ticket.update(archived=False, archived_at=None, unarchived_at=utcnow())
                   .where((Ticket.id == ticket.id) & Ticket.archived).execute())
        if changed != 1:
            raise Conflict(N_("Request %(number)s is not archived."), number=ticket.number)
        audit.record(actor, "unarchive", ticket=ticket, before={"archived": True}, after={"archived": False})
    return Ticket.get_by_id(ticket.id)


DEFAULT_ARCHIVE_POLICY = {"closed": 90, "rejected": 90, "cancelled": 90}


def archive_due(policy: dict[str, int] | None = None, now: dt.datetime | None = None) -> int:
    """Archive finished requests older than the policy's days per status. Nothing is deleted."""
    policy = policy or DEFAULT_ARCHIVE_POLICY
    now = now or utcnow()
    count = 0
    stamp = {"closed": Ticket.closed_at, "rejected": Ticket.rejected_at, "cancelled": Ticket.cancelled_at}
    for status, days in policy.items():
        if status not in TERMINAL_STATUSES:
            continue
        cutoff = now - dt.timedelta(days=int(days))
        due = Ticket.select().where((Ticket.status == status) & (~Ticket.archived) & (stamp[status] < cutoff)
                                    & (Ticket.unarchived_at.is_null() | (Ticket.unarchived_at < cutoff)))
        for ticket in due:
            with outbox.changes():
                changed = (Ticket.update(archived=True, archived_at=now)
                           .where((Ticket.id == ticket.id) & (~Ticket.archived)).execute())
                if changed:
                    audit.record(Actor.system(), "archive", ticket=ticket, before={"archived": False},
                                 after={"archived": True})
                    count += 1
    return count


def counts_by_status(actor: Actor) -> dict[str, int]:
    query = (scope(Ticket.select(Ticket.status, pw.fn.COUNT(Ticket.id).alias("n")), actor)
             .where(not_archived()).group_by(Ticket.status))
    result = dict.fromkeys(STATUSES, 0)
    for row in query:
        result[row.status] = row.n
    return result

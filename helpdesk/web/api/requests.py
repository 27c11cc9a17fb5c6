"""JSON API for requests: list with filters, create, get, transition, comment. Bearer tokens only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated

import msgspec
from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody, QueryParameter

from helpdesk.core import catalog, client_keys, history, lifecycle, org, sla, tickets
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, ValidationError
from helpdesk.core.visibility import get_visible
from helpdesk.db.models import Comment, Ticket
from helpdesk.web.api.common import ERRORS, ApiController, api_actor, utc
from helpdesk.web.api.fields import (
    Action,
    Code,
    CodeQuery,
    CommentBody,
    Description,
    Id,
    IdQuery,
    Priority,
    Quantity,
    Reason,
    SlaState,
    Status,
    TypeCode,
)


class OrderLineIn(msgspec.Struct):
    cartridge_id: Id
    quantity: Quantity


class TicketIn(msgspec.Struct):
    type: TypeCode
    description: Description = ""  # 3 characters at least, except for a cartridge order
    branch: Code | None = None  # branch code; branch users may omit it
    priority: Priority = "normal"
    printer_id: Id | None = None
    asset: Annotated[str, msgspec.Meta(max_length=200)] = ""
    lines: Annotated[list[OrderLineIn], msgspec.Meta(max_length=tickets.MAX_LINES)] = msgspec.field(
        default_factory=list)  # a cartridge order's lines, 1 at least


class TransitionIn(msgspec.Struct):
    action: Action
    reason: Reason = ""  # required to reject


class CommentIn(msgspec.Struct):
    body: CommentBody
    internal: bool = False


@dataclass
class OrderLineOut:
    cartridge_id: int
    cartridge: str
    quantity: int


@dataclass
class CommentOut:
    id: int
    author: str | None
    body: str
    internal: bool
    created_at: dt.datetime


@dataclass
class HistoryItemOut:
    at: dt.datetime
    action: str  # the audit action: create, accept, comment, assign, …
    who: str | None  # None: the system (auto-close, archiving)
    channel: str
    status: str | None = None  # the status the event moved the request to


@dataclass
class TicketOut:
    number: str
    type: str
    status: str
    priority: str
    branch: str
    author: str
    assignee: str | None
    description: str
    created_at: dt.datetime
    updated_at: dt.datetime
    accept_due_at: dt.datetime | None
    resolve_due_at: dt.datetime | None
    archived: bool
    reject_reason: str = ""
    sla: str | None = None  # overdue | due_soon | ok while a deadline runs
    lines: list[OrderLineOut] = field(default_factory=list)
    comments: list[CommentOut] | None = None
    history: list[HistoryItemOut] | None = None
    allowed_actions: list[str] | None = None


@dataclass
class TicketPage:
    items: list[TicketOut]
    total: int  # with total_capped: at least this many match (counting stopped there)
    page: int
    per_page: int
    total_capped: bool = False  # more than `total` match, and more pages follow this one
    next_before: str | None = None  # newest first: pass as `before` for the next page (None: the last page)


# Counting stops past tickets.COUNT_LIMIT matches, or past the asked page if that is deeper.
LIST_DESCRIPTION = f"""`total` is exact up to {tickets.COUNT_LIMIT:,} matches (or up to the end of the asked page, if that is
deeper). Past that `total_capped` is true and `total` is a lower bound: at least that many match, and more
pages follow this one; page on until a page says `total_capped: false` or comes back short.

`before` keeps the requests created before that one (a number). To walk far (a sync, an export), page
by it instead of `page`: newest first, each answer's `next_before` is the number to pass for the next
page. A deep `page` reads and skips every request before it; `before` starts where the last page ended,
at the same cost at any depth. With `before`, `total` counts the matches from there on."""


def comment_out(comment: Comment) -> CommentOut:
    return CommentOut(comment.id, comment.author.display_name if comment.author_id else None, comment.body,
                      comment.internal, utc(comment.created_at))


def ticket_out(ticket: Ticket, actor: Actor | None = None) -> TicketOut:
    out = TicketOut(
        number=ticket.number, type=ticket.type.code, status=ticket.status, priority=ticket.priority,
        branch=ticket.branch.code, author=ticket.author.display_name,
        assignee=ticket.assignee.display_name if ticket.assignee_id else None, description=ticket.description,
        created_at=utc(ticket.created_at), updated_at=utc(ticket.updated_at),
        accept_due_at=utc(ticket.accept_due_at), resolve_due_at=utc(ticket.resolve_due_at),
        archived=ticket.archived, reject_reason=ticket.reject_reason, sla=sla.sla_state(ticket),
        lines=[OrderLineOut(line.cartridge_id, line.cartridge.name, line.quantity) for line in ticket.lines],
    )
    if actor is not None:
        out.comments = [comment_out(c) for c in history.comments(actor, ticket)]
        out.history = [HistoryItemOut(utc(i.at), i.action, i.who, i.channel, i.status)
                       for i in history.for_request(actor, ticket)]
        out.allowed_actions = lifecycle.allowed_actions(actor, ticket)
    return out


IDEMPOTENCY = """Send an `Idempotency-Key` header (any string up to 64 characters, e.g. a UUID) to make a retry
safe: a repeated call with the same key and the same body creates nothing and answers 201 with the request
(or comment) the first call created, as it is now. Keys belong to the token's user: another user's equal
key is a different key. The same key with a different body is refused with 422 (`field`: `client_key`).
Keys are kept with what they created, for good."""

IdempotencyKey = Annotated[str | None, HeaderParameter(
    name="Idempotency-Key", required=False, max_length=client_keys.MAX_KEY,
    description="Makes a retry safe: see the operation's text")]


def _branch_id(code: str | None) -> int | None:
    return org.branch_by_code(code).id if code else None


class RequestsController(ApiController):
    path = "/api/v1/requests"
    tags = ["requests"]

    @get("/", sync_to_thread=True, responses=ERRORS, summary="List requests the token's user may see",
         description=LIST_DESCRIPTION)
    def list_requests(
        self, request: Request,
        status: Annotated[list[Status] | None, QueryParameter(name="status")] = None,
        type_code: Annotated[TypeCode | None, QueryParameter(name="type")] = None,
        branch: CodeQuery = None,
        assignee_id: IdQuery = None,
        mine: Annotated[bool, QueryParameter(
            description="staff: requests assigned to the token's user; branch users: created by them")] = False,
        priority: Annotated[list[Priority] | None, QueryParameter(name="priority")] = None,
        sla_state: Annotated[SlaState | None, QueryParameter(name="sla")] = None,
        text: Annotated[str, QueryParameter(
            max_length=200, description="words of the description, comments, branch or people, or a number")] = "",
        archived: FromQuery[bool | None] = False,
        created_from: Annotated[dt.date | None, QueryParameter(name="from")] = None,
        created_to: Annotated[dt.date | None, QueryParameter(name="to")] = None,
        sort: Annotated[str | None, QueryParameter(
            enum=[*tickets.SORTS, tickets.RELEVANCE],
            description="default: relevance with text (best match first), else -created")] = None,
        page: Annotated[int, QueryParameter(ge=1, le=1_000_000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=500)] = 50,
        before: Annotated[str | None, QueryParameter(
            min_length=1, max_length=16, description="a request number: only the requests created before it "
            "(newest first, the previous page's `next_before`)")] = None,
    ) -> TicketPage:
        actor = api_actor(request)
        if type_code is not None and type_code not in catalog.active_types_by_code():
            # the schema lists the types; a filter on another one is a mistake, not an empty page
            raise ValidationError(N_("Unknown request type."), field="type")
        flt = tickets.TicketFilter(branch_id=_branch_id(branch), type_code=type_code, statuses=tuple(status or ()),
                                   created_from=created_from, created_to=created_to, assignee_id=assignee_id,
                                   mine=mine, priorities=tuple(priority or ()), sla=sla_state or "", text=text,
                                   archived=archived, page=page, per_page=per_page, before=before,
                                   sort=sort or (tickets.RELEVANCE if text.strip() else "-created"))
        result = tickets.search(actor, flt, count_up_to=max(tickets.COUNT_LIMIT, page * per_page))
        more = result.capped or result.total > result.page * result.per_page
        last = result.items[-1].number if more and result.items and flt.sort == "-created" else None
        return TicketPage([ticket_out(t) for t in result.items], result.total, result.page, result.per_page,
                          result.capped, last)

    @post("/", sync_to_thread=True, responses=ERRORS, summary="Create a request", description=IDEMPOTENCY)
    def create_request(self, request: Request, data: JSONBody[TicketIn],
                       idempotency_key: IdempotencyKey = None) -> TicketOut:
        actor = api_actor(request)
        draft = tickets.TicketDraft(
            type_code=data.type, description=data.description, branch_id=_branch_id(data.branch),
            priority=data.priority, printer_id=data.printer_id, asset=data.asset,
            lines=[(line.cartridge_id, line.quantity) for line in data.lines], client_key=idempotency_key)
        return ticket_out(tickets.create(actor, draft), actor)

    @get("/{number:str}", sync_to_thread=True, responses=ERRORS,
         summary="One request with its comments, history and allowed actions")
    def get_request(self, request: Request, number: FromPath[str]) -> TicketOut:
        actor = api_actor(request)
        return ticket_out(get_visible(actor, number), actor)

    @post("/{number:str}/transitions", sync_to_thread=True, responses=ERRORS, status_code=200,
          summary="Move a request: accept, start, resolve, reject, cancel, confirm")
    def transition(self, request: Request, number: FromPath[str], data: JSONBody[TransitionIn]) -> TicketOut:
        actor = api_actor(request)
        ticket = lifecycle.transition(actor, get_visible(actor, number), data.action, data.reason)
        return ticket_out(ticket, actor)

    @post("/{number:str}/comments", sync_to_thread=True, responses=ERRORS,
          summary="Add a comment or an internal note", description=IDEMPOTENCY)
    def comment(self, request: Request, number: FromPath[str], data: JSONBody[CommentIn],
                idempotency_key: IdempotencyKey = None) -> CommentOut:
        actor = api_actor(request)
        return comment_out(tickets.add_comment(actor, get_visible(actor, number), data.body, data.internal,
                                               client_key=idempotency_key))

"""JSON API for requests: list with filters, create, get, transition, comment. Bearer tokens only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Annotated

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from helpdesk.core import history, lifecycle, org, sla, tickets
from helpdesk.core.actors import Actor
from helpdesk.core.visibility import get_visible
from helpdesk.db.models import Comment, Ticket
from helpdesk.web.api.common import ERRORS, ApiController, api_actor, utc


@dataclass
class OrderLineIn:
    cartridge_id: int
    quantity: int


@dataclass
class TicketIn:
    type: str
    description: str = ""
    branch: str | None = None  # branch code; branch users may omit it
    priority: str = "normal"
    printer_id: int | None = None
    asset: str = ""
    lines: list[OrderLineIn] = field(default_factory=list)


@dataclass
class TransitionIn:
    action: str
    reason: str = ""


@dataclass
class CommentIn:
    body: str
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
    total: int
    page: int
    per_page: int


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


def _branch_id(code: str | None) -> int | None:
    return org.branch_by_code(code).id if code else None


class RequestsController(ApiController):
    path = "/api/v1/requests"
    tags = ["requests"]

    @get("/", sync_to_thread=True, responses=ERRORS, summary="List requests the token's user may see")
    def list_requests(
        self, request: Request,
        status: Annotated[list[str] | None, QueryParameter(name="status")] = None,
        type_code: Annotated[str | None, QueryParameter(name="type")] = None,
        branch: FromQuery[str | None] = None,
        assignee_id: FromQuery[int | None] = None,
        mine: Annotated[bool, QueryParameter(
            description="staff: requests assigned to the token's user; branch users: created by them")] = False,
        priority: Annotated[list[str] | None, QueryParameter(name="priority")] = None,
        sla_state: Annotated[str | None, QueryParameter(name="sla", enum=list(sla.SLA_STATES))] = None,
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
    ) -> TicketPage:
        actor = api_actor(request)
        flt = tickets.TicketFilter(branch_id=_branch_id(branch), type_code=type_code, statuses=tuple(status or ()),
                                   created_from=created_from, created_to=created_to, assignee_id=assignee_id,
                                   mine=mine, priorities=tuple(priority or ()), sla=sla_state or "", text=text, archived=archived, page=page, per_page=per_page,
                                   sort=sort or (tickets.RELEVANCE if text.strip() else "-created"))
        result = tickets.search(actor, flt)
        return TicketPage([ticket_out(t) for t in result.items], result.total, result.page, result.per_page)

    @post("/", sync_to_thread=True, responses=ERRORS, summary="Create a request")
    def create_request(self, request: Request, data: JSONBody[TicketIn]) -> TicketOut:
        actor = api_actor(request)
        draft = tickets.TicketDraft(
            type_code=data.type, description=data.description, branch_id=_branch_id(data.branch),
            priority=data.priority, printer_id=data.printer_id, asset=data.asset,
            lines=[(line.cartridge_id, line.quantity) for line in data.lines])
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
          summary="Add a comment or an internal note")
    def comment(self, request: Request, number: FromPath[str], data: JSONBody[CommentIn]) -> CommentOut:
        actor = api_actor(request)
        return comment_out(tickets.add_comment(actor, get_visible(actor, number), data.body, data.internal))

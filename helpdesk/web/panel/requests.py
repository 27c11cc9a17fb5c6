"""Requests in the panel: the filtered list (and its Excel export), one request, the new-request form."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, FromQuery
from litestar.response import File, Redirect, Stream, Template

from helpdesk.core import attachments, bulk, catalog, history, lifecycle, sla, tickets, worklist
from helpdesk.core.actors import Actor
from helpdesk.core.errors import DomainError
from helpdesk.core.fields import parse_int
from helpdesk.core.visibility import assignees_for, get_visible, staff_members, visible_branches
from helpdesk.db.models import Attachment, Ticket, utcnow
from helpdesk.i18n import get_language, gettext
from helpdesk.web.downloads import file_response, xlsx_download
from helpdesk.web.panel.forms import recall, refuse
from helpdesk.web.panel.request_bulk import request_bulk
from helpdesk.web.panel.session import Form

PER_PAGE = 25
# The list's two status groups, as the domain defines them; the dashboard's tiles link to them too.
OPEN_QUERY = urlencode([("status", s) for s in lifecycle.OPEN_STATUSES])
AWAITING_QUERY = urlencode([("status", s) for s in lifecycle.AWAITING_CONFIRMATION])


def _actor(request: Request) -> Actor:
    return Actor(request.user, "web")


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filter(request: Request, actor: Actor) -> tuple[tickets.TicketFilter, dict[str, Any]]:
    """The list's filter from the query string; bad values are ignored rather than failing the page.

    `view` starts from one of the saved views (worklist); the form then shows its fields, to refine.
    """
    q = request.query_params
    base = tickets.TicketFilter()
    view = q.get("view", "")
    if view:
        try:
            base = worklist.view(actor, view).filter
        except DomainError:
            view = ""
    statuses = tuple(s for s in q.getall("status", []) if s in lifecycle.STATUSES) or base.statuses
    priorities = tuple(p for p in q.getall("priority", []) if p in tickets.PRIORITIES)
    sla_filter = q.get("sla") if q.get("sla") in sla.SLA_STATES else base.sla
    mine = q.get("mine") == "1" or base.mine
    archived = {"yes": True, "all": None}.get(q.get("archived", ""), False)
    # A search shows the best matches first unless another order is chosen.
    default_sort = tickets.RELEVANCE if (q.get("q") or "").strip() else "-created"
    sort = q.get("sort") or default_sort
    sort = sort if sort in tickets.SORTS or sort == tickets.RELEVANCE else default_sort
    flt = tickets.TicketFilter(
        branch_id=parse_int(q.get("branch")), type_code=q.get("type") or None, statuses=statuses,
        created_from=_date(q.get("from")), created_to=_date(q.get("to")), assignee_id=parse_int(q.get("assignee")),
        mine=mine, priorities=priorities, sla=sla_filter or "",
        text=(q.get("q") or "")[:200], archived=archived, sort=sort, page=parse_int(q.get("page")) or 1,
        per_page=PER_PAGE)
    form = {"branch": q.get("branch", ""), "type": q.get("type", ""), "status": statuses, "from": q.get("from", ""),
            "to": q.get("to", ""), "assignee": q.get("assignee", ""), "q": q.get("q", ""),
            "priority": priorities, "sla": sla_filter or "", "mine": "1" if mine else "",
            "archived": q.get("archived", ""), "sort": sort}
    return flt, form | {"view": view}


# Fields whose use unfolds the filter panel on a phone (sort and page are not filters).
FILTER_FIELDS = ("branch", "type", "status", "from", "to", "assignee", "q", "priority", "sla", "mine", "archived")


def _query(form: dict[str, Any], **changes: Any) -> str:
    merged = {**form, **changes}
    many = ("status", "priority")
    pairs = [(k, v) for k, v in merged.items() if k not in many and k != "view" and v not in ("", None)]
    for key in many:
        pairs += [(key, s) for s in merged.get(key, ())]
    return urlencode(pairs)


@get("/requests", sync_to_thread=True)
def request_list(request: Request) -> Template:
    actor = _actor(request)
    flt, form = _filter(request, actor)
    page = tickets.search(actor, flt, count_up_to=tickets.COUNT_LIMIT)
    now = utcnow()
    return Template("requests/list.html", context={
        "page": page, "form": form, "query": lambda **kw: _query(form, **kw),
        "filters_active": any(form[f] for f in FILTER_FIELDS),
        "branches": visible_branches(actor), "types": list(catalog.active_types_by_code().values()),
        "statuses": lifecycle.STATUSES,
        "assignees": staff_members(actor), "sorts": list(tickets.SORTS), "priorities": tickets.PRIORITIES,
        "sla_states": sla.SLA_STATES, "sla_labels": sla.SLA_LABELS, "mine_label": worklist.mine_label(actor),
        "views": worklist.views(actor), "view_counts": worklist.counts(actor),
        "sla_of": lambda t: sla.sla_state(t, now), "deadline_of": sla.running_deadline,
        "subject": worklist.subject, "bulk_actions": bulk.ACTIONS if actor.is_staff else (),
        "bulk_labels": bulk.ACTION_LABELS,
        "open_query": OPEN_QUERY, "awaiting_query": AWAITING_QUERY, "awaiting_label": lifecycle.AWAITING_LABEL,
        "live_stamp": worklist.latest_change(actor),
    })


@get("/requests/changes", sync_to_thread=True)
def request_changes(request: Request, number: FromQuery[str | None] = None) -> dict[str, str]:
    """What the list (or one request's page) polls to learn that something changed since it was drawn."""
    actor = _actor(request)
    if number is not None:
        get_visible(actor, number)  # someone else's request: refused like its page
    return {"stamp": worklist.latest_change(actor, number)}



@get("/requests.xlsx", sync_to_thread=True)
def request_export(request: Request) -> Stream:
    from helpdesk.export.excel import export_name, write_requests  # loads on the first export, not at start

    actor = _actor(request)
    flt, _ = _filter(request, actor)
    lang = get_language()
    return xlsx_download(lambda out: write_requests(out, actor, flt, lang), export_name("requests"))


def _page_context(actor: Actor, ticket: Ticket, errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "ticket": ticket, "actor": actor, "errors": errors or {},
        "actions": [(a, lifecycle.action_label(ticket, a), lifecycle.TRANSITIONS[a].needs_reason)
                    for a in lifecycle.allowed_actions(actor, ticket)],
        "confirm": {a: gettext(text, number=ticket.number) for a, text in lifecycle.CONFIRM.items()},
        "comments": history.comments(actor, ticket), "history": history.for_request(actor, ticket),
        "max_text": tickets.MAX_TEXT, "max_reason": lifecycle.MAX_REASON,
        "files": list(Attachment.select().where(Attachment.ticket == ticket).order_by(Attachment.id)),
        "assignees": assignees_for(actor, ticket),
        "type_label": catalog.type_name(ticket.type, get_language()),
        "sla_state": sla.sla_state(ticket), "running_deadline": sla.running_deadline(ticket),
        "sla_labels": sla.SLA_LABELS, "live_stamp": worklist.latest_change(actor, ticket.number),
        "reminders": sla.reminders_sent(ticket) if actor.is_staff else [], "reminder_labels": sla.REMINDER_LABELS,
    }


@get("/requests/{number:str}", sync_to_thread=True)
def request_page(request: Request, number: FromPath[str]) -> Template:
    actor = _actor(request)
    ticket = get_visible(actor, number)
    if back := recall(request):
        return Template("requests/page.html", context=_page_context(actor, ticket, back.errors),
                        status_code=back.status)
    return Template("requests/page.html", context=_page_context(actor, ticket))


def _act(request: Request, number: str, change: Any, field: str) -> Template | Redirect:
    """Apply a change from a form on the request page; on a refusal, show the page with the error."""
    actor = _actor(request)
    ticket = get_visible(actor, number)
    try:
        change(actor, ticket)
    except DomainError as exc:
        return refuse(request, exc, {}, to=f"/requests/{number}", field=field)
    return Redirect(f"/requests/{number}", status_code=303)


@post("/requests/{number:str}/transition", sync_to_thread=True)
def request_transition(request: Request, number: FromPath[str], data: Form) -> Template | Redirect:
    return _act(request, number, lambda actor, t: lifecycle.transition(
        actor, t, str(data.get("action", "")), str(data.get("reason", ""))), "action")


@post("/requests/{number:str}/comment", sync_to_thread=True)
def request_comment(request: Request, number: FromPath[str], data: Form) -> Template | Redirect:
    internal = data.get("internal") == "on"
    return _act(request, number, lambda actor, t: tickets.add_comment(actor, t, str(data.get("body", "")),
                                                                        internal), "body")


@post("/requests/{number:str}/assign", sync_to_thread=True)
def request_assign(request: Request, number: FromPath[str], data: Form) -> Template | Redirect:
    return _act(request, number, lambda actor, t: tickets.assign(actor, t, parse_int(str(data.get("assignee", "")))),
                "assignee")


@post("/requests/{number:str}/unarchive", sync_to_thread=True)
def request_unarchive(request: Request, number: FromPath[str]) -> Template | Redirect:
    """Admins take a request out of the archive (the domain refuses everyone else)."""
    return _act(request, number, tickets.unarchive, "action")


@get("/requests/{number:str}/files/{file_id:int}", sync_to_thread=True)
def request_file(request: Request, number: FromPath[str], file_id: FromPath[int]) -> File:
    """A request's file, only for those who may see the request."""
    ticket = get_visible(_actor(request), number)
    row = Attachment.get_or_none((Attachment.id == file_id) & (Attachment.ticket == ticket))
    uploads = request.app.state.settings.uploads_dir
    path = (uploads / row.storage_path).resolve() if row else None
    if row is None or not path.is_file() or uploads.resolve() not in path.parents:
        raise NotFoundException()
    return file_response(path, row.file_name)


def _new_context(actor: Actor, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    branches = visible_branches(actor)
    offers = catalog.offers_for_branch(branches[0]) if len(branches) == 1 else [
        catalog.CartridgeOffer(c, False, None, None) for c in catalog.active_cartridges()]
    return {"types": catalog.active_types(), "branches": branches, "offers": offers, "values": values,
            "printers": catalog.printers(actor),
            "errors": errors, "priorities": tickets.PRIORITIES, "max_text": tickets.MAX_TEXT}


FormWithFile = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


class NewRequestPage(Controller):
    """GET and POST of one path live in a controller: as two module-level thread-pool handlers, Litestar
    2.25 wrapped the GET twice (it returned a coroutine)."""

    path = "/requests/new"

    @get("/", sync_to_thread=True)
    def form(self, request: Request) -> Template:
        if back := recall(request):
            return Template("requests/new.html", context=_new_context(_actor(request), back.values, back.errors),
                            status_code=back.status)
        return Template("requests/new.html", context=_new_context(_actor(request), {"priority": "normal"}, {}))

    @post("/", sync_to_thread=True)
    def create(self, request: Request, data: FormWithFile) -> Template | Redirect:
        actor = _actor(request)
        upload = data.pop("file", None)
        lines = []
        for key, value in data.items():
            if key.startswith("qty_") and str(value).strip() not in ("", "0"):
                quantity = parse_int(str(value).strip())
                # A key that names no cartridge (qty_abc) is an unknown model to the domain: 0 is no id.
                lines.append((parse_int(key[4:]) or 0, quantity if quantity is not None else -1))
        draft = tickets.TicketDraft(type_code=str(data.get("type", "")),
                                    description=str(data.get("description", "")),
                                    branch_id=parse_int(str(data.get("branch", ""))),
                                    priority=str(data.get("priority", "normal")), lines=lines,
                                    printer_id=parse_int(str(data.get("printer", ""))),
                                    client_key=str(data.get("client_key", ""))[:64] or None)
        try:
            content, name = b"", ""
            if isinstance(upload, UploadFile) and upload.filename:
                content, name = upload.file.read(attachments.MAX_SIZE + 1), upload.filename
                attachments.check(content)  # before the request exists: a refused file leaves nothing behind
            ticket = tickets.create(actor, draft)
        except DomainError as exc:
            return refuse(request, exc, dict(data), field="type")
        if name:
            attachments.add(actor, ticket, request.app.state.settings.uploads_dir, name, content,
                            upload.content_type or None)
        return Redirect(f"/requests/{ticket.number}", status_code=303)


ROUTES = [request_list, request_export, request_bulk, request_changes, NewRequestPage, request_page, request_transition,
          request_unarchive,
          request_comment, request_assign, request_file]

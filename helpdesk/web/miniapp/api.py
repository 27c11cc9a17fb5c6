"""The Mini App's JSON calls: each parses, calls the same domain functions as the bot, and renders.

The caller comes from `miniapp_actor` (signed initData) only; the routes are the bot's screens: the
catalog and an order of several cartridges, repair/maintenance/IT help, my requests, a request's card
with its actions and comments, and a storekeeper's open requests.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, SkipValidation

from helpdesk.core import attachments, catalog, lifecycle, stats, tickets, worklist
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, Forbidden, ValidationError
from helpdesk.core.visibility import get_visible, own_branch
from helpdesk.db.models import Branch
from helpdesk.i18n import LANGUAGES, get_language, gettext, normalize_language
from helpdesk.web.miniapp import views
from helpdesk.web.miniapp.initdata import miniapp_actor
from helpdesk.web.miniapp.texts import texts_for

PER_PAGE = 30
Actor_ = NamedDependency[SkipValidation[Actor]]  # from miniapp_actor: initData only


@dataclass
class LineIn:
    cartridge_id: int
    quantity: int


@dataclass
class OrderIn:
    lines: list[LineIn]
    comment: str = ""
    client_key: str = ""  # the same key twice (a resent order) creates one request


@dataclass
class IssueIn:
    type: str
    description: str
    printer_id: int | None = None
    client_key: str = ""


@dataclass
class ActionIn:
    action: str
    reason: str = ""


@dataclass
class CommentIn:
    body: str


def _branch_of(actor: Actor) -> Branch:
    branch = own_branch(actor)
    if branch is None:
        raise Forbidden(N_("Cartridges are ordered by branch staff."))
    return branch


@get("/texts", sync_to_thread=False)
def texts(lang: FromQuery[str] = "") -> dict[str, Any]:
    """The screens' words; public, so a page opened outside Telegram can say so in the right language."""
    return {"lang": normalize_language(lang), "texts": texts_for(normalize_language(lang))}


@get("/me", sync_to_thread=True)
def me(actor: Actor_) -> dict[str, Any]:
    user = actor.user
    types = [{"code": t.code, "name": catalog.type_name(t, get_language()), "kind": t.kind}
             for t in catalog.active_types() if t.kind != "cartridges"]
    # the issue form's printer picker: only someone who may send it (own_branch) gets one
    printers = [views.printer(p) for p in catalog.printers(actor)] if own_branch(actor) is not None else []
    return {"name": user.display_name, "role": user.role, "lang": user.language if user.language in LANGUAGES
            else get_language(), "branch": user.branch.name if user.branch_id else None,
            "types": types, "printers": printers, "max_quantity": tickets.MAX_QUANTITY,
            "max_lines": tickets.MAX_LINES, "max_text": tickets.MAX_TEXT}


@get("/catalog", sync_to_thread=True)
def catalog_offers(actor: Actor_) -> dict[str, Any]:
    return {"items": [views.offer(o) for o in catalog.offers_for_branch(_branch_of(actor))]}


@post("/orders", sync_to_thread=True)
def create_order(actor: Actor_, data: JSONBody[OrderIn]) -> dict[str, Any]:
    draft = tickets.TicketDraft("cartridges", description=data.comment,
                                lines=[(line.cartridge_id, line.quantity) for line in data.lines],
                                client_key=data.client_key or None)
    return views.detail(actor, tickets.create(actor, draft))


@post("/issues", sync_to_thread=True)
def create_issue(actor: Actor_, data: JSONBody[IssueIn]) -> dict[str, Any]:
    _branch_of(actor)
    draft = tickets.TicketDraft(data.type, description=data.description, printer_id=data.printer_id,
                                client_key=data.client_key or None)
    return views.detail(actor, tickets.create(actor, draft))


@post("/requests/{number:str}/photo", request_max_body_size=attachments.MAX_SIZE + 1)
async def upload_photo(request: Request, actor: Actor_, number: FromPath[str]) -> dict[str, Any]:
    content = await request.body()
    kind = attachments.inline_type(content[:attachments.SNIFF_BYTES])
    if kind is None:
        raise ValidationError(N_("Send a photo (JPEG, PNG, GIF or WebP)."), field="file")
    uploads = request.app.state.settings.uploads_dir
    name = f"photo.{kind.split('/')[1]}"
    await asyncio.to_thread(
        lambda: attachments.add(actor, get_visible(actor, number), uploads, name, content, kind))
    return {"stored": True}


@get("/requests", sync_to_thread=True)
def list_requests(actor: Actor_, page: FromQuery[int] = 1) -> dict[str, Any]:
    """What the bot's "My requests" lists: a branch user's own, the open ones for staff."""
    result = tickets.search(actor, worklist.my_requests(actor, page, PER_PAGE))
    awaiting = stats.open_counts(actor).awaiting if actor.is_staff else 0
    return {"items": [views.summary(t) for t in result.items], "total": result.total, "page": result.page,
            "pages": result.pages, "awaiting": awaiting}


@get("/requests/{number:str}", sync_to_thread=True)
def request_detail(actor: Actor_, number: FromPath[str]) -> dict[str, Any]:
    return views.detail(actor, get_visible(actor, number))


@post("/requests/{number:str}/actions", sync_to_thread=True)
def act(actor: Actor_, number: FromPath[str], data: JSONBody[ActionIn]) -> dict[str, Any]:
    ticket = lifecycle.transition(actor, get_visible(actor, number), data.action, data.reason)
    return views.detail(actor, ticket) | {"done": gettext("Done.")}


@post("/requests/{number:str}/comments", sync_to_thread=True)
def comment(actor: Actor_, number: FromPath[str], data: JSONBody[CommentIn]) -> dict[str, Any]:
    ticket = get_visible(actor, number)
    tickets.add_comment(actor, ticket, data.body)
    return views.detail(actor, ticket)


HANDLERS = [texts, me, catalog_offers, create_order, create_issue, upload_photo, list_requests, request_detail,
            act, comment]
DEPENDENCIES = {"actor": Provide(miniapp_actor)}

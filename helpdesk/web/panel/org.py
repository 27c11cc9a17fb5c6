"""Organisation pages (admins): branches, warehouses, users, invites with QR codes, access requests."""

from __future__ import annotations

import io
from typing import Any

import segno
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpdesk.core import org, people, user_admin
from helpdesk.core.actors import ROLES, Actor
from helpdesk.core.errors import N_, DomainError, NotFound, ValidationError
from helpdesk.core.fields import by_id, parse_int
from helpdesk.db.database import write_transaction
from helpdesk.db.models import AccessRequest, Branch, Invite, User, Warehouse, utcnow
from helpdesk.web.panel.forms import recall, refuse, web_actor
from helpdesk.web.panel.session import Form
from helpdesk.web.services import services_of

# --- branches and warehouses ---------------------------------------------------------------------

PLACES = {"branches": Branch, "warehouses": Warehouse}


def _places_context(kind: str, values: dict[str, Any], errors: dict[str, str], editing: Any = None) -> dict:
    model = PLACES[kind]
    return {"kind": kind, "items": list(model.select().order_by(model.code)), "values": values, "errors": errors,
            "editing": editing, "warehouses": list(Warehouse.select().where(Warehouse.active).order_by(Warehouse.code))}


def _get_place(kind: str, place_id: int) -> Any:
    if kind not in PLACES:
        raise NotFound(N_("There is nothing at this address."))
    row = PLACES[kind].get_or_none(PLACES[kind].id == place_id)
    if row is None:
        raise NotFound(N_("There is nothing at this address."))
    return row


class PlacesPage(Controller):
    """Branches and warehouses. GET and POST of a path share a controller (see requests.NewRequestPage)."""

    path = "/org/{kind:str}"

    @get("/", sync_to_thread=True)
    def show(self, request: Request, kind: FromPath[str]) -> Template:
        return places(request, kind)

    @post("/", sync_to_thread=True)
    def create(self, request: Request, kind: FromPath[str], data: Form) -> Template | Redirect:
        return place_create(request, kind, data)

    @get("/{place_id:int}", sync_to_thread=True)
    def edit(self, request: Request, kind: FromPath[str], place_id: FromPath[int]) -> Template:
        return place_edit(request, kind, place_id)

    @post("/{place_id:int}", sync_to_thread=True)
    def update(self, request: Request, kind: FromPath[str], place_id: FromPath[int], data: Form) -> Template | Redirect:
        return place_update(request, kind, place_id, data)


def places(request: Request, kind: str) -> Template:
    if kind not in PLACES:
        raise NotFound(N_("There is nothing at this address."))
    if back := recall(request):
        return Template("org/places.html", context=_places_context(kind, back.values, back.errors),
                        status_code=back.status)
    return Template("org/places.html", context=_places_context(kind, {"active": True}, {}))


def place_edit(request: Request, kind: str, place_id: int) -> Template:
    row = _get_place(kind, place_id)
    values = {"code": row.code, "name": row.name, "address": row.address, "active": row.active,
              "warehouse": getattr(row, "warehouse_id", None)}
    if back := recall(request):
        return Template("org/places.html", context=_places_context(kind, back.values, back.errors, editing=row),
                        status_code=back.status)
    return Template("org/places.html", context=_places_context(kind, values, {}, editing=row))


def _save_place(actor: Actor, kind: str, data: dict[str, Any], row: Any = None) -> Any:
    common = {"code": str(data.get("code", "")), "name": str(data.get("name", "")),
              "address": str(data.get("address", "")), "active": data.get("active") == "on" or row is None}
    if kind == "branches":
        return org.save_branch(actor, warehouse_id=parse_int(data.get("warehouse")), branch=row, **common)
    return org.save_warehouse(actor, warehouse=row, **common)


def place_create(request: Request, kind: str, data: dict[str, Any]) -> Template | Redirect:
    actor = web_actor(request)
    if kind not in PLACES:
        raise NotFound(N_("There is nothing at this address."))
    try:
        _save_place(actor, kind, data)
    except DomainError as exc:
        return refuse(request, exc, dict(data))
    return Redirect(f"/org/{kind}", status_code=303)


def place_update(request: Request, kind: str, place_id: int, data: dict[str, Any]) -> Template | Redirect:
    actor = web_actor(request)
    row = _get_place(kind, place_id)
    try:
        _save_place(actor, kind, data, row)
    except DomainError as exc:
        return refuse(request, exc, dict(data))
    return Redirect(f"/org/{kind}", status_code=303)


# --- users ----------------------------------------------------------------------------------------

def _users_context(values: dict[str, Any], errors: dict[str, str]) -> dict:
    return {"users": list(User.select().order_by(User.active.desc(), User.role, User.display_name)),
            "values": values, "errors": errors, "roles": ROLES,
            "branches": list(Branch.select().where(Branch.active).order_by(Branch.code)),
            "warehouses": list(Warehouse.select().where(Warehouse.active).order_by(Warehouse.code))}


class UsersPage(Controller):
    path = "/org/users"

    @get("/", sync_to_thread=True)
    def show(self, request: Request) -> Template:
        return users(request)

    @post("/", sync_to_thread=True)
    def create(self, request: Request, data: Form) -> Template | Redirect:
        return user_create(request, data)


def users(request: Request) -> Template:
    editing = by_id(User, parse_int(request.query_params.get("edit")))
    values: dict[str, Any] = {"role": "branch"}
    if editing is not None:
        values = {"id": editing.id, "display_name": editing.display_name, "role": editing.role,
                  "branch": str(editing.branch_id or ""), "warehouse": str(editing.warehouse_id or ""),
                  "telegram_id": editing.telegram_id or "", "username": editing.username or "",
                  "email": editing.email or "", "language": editing.language}
    if back := recall(request):
        return Template("org/users.html", context=_users_context(back.values, back.errors), status_code=back.status)
    return Template("org/users.html", context=_users_context(values, {}))


@post("/org/users/{user_id:int}", sync_to_thread=True)
def user_update(request: Request, user_id: FromPath[int], data: Form) -> Template | Redirect:
    """Name, role and place, Telegram link, login, email, language, and a password reset if one is typed."""
    actor = web_actor(request)
    user = user_admin.get_user(actor, user_id)
    branch = by_id(Branch, parse_int(data.get("branch")))
    warehouse = by_id(Warehouse, parse_int(data.get("warehouse")))
    telegram = str(data.get("telegram_id", "")).strip()
    password = str(data.get("password", ""))
    try:
        if telegram and parse_int(telegram) is None:
            raise ValidationError(N_("A Telegram ID is a number."), field="telegram_id")
        with write_transaction():  # all of the form or nothing
            user = user_admin.update_user(actor, user, display_name=str(data.get("display_name", "")),
                                          role=str(data.get("role", "")), branch_code=branch.code if branch else None,
                                          warehouse_code=warehouse.code if warehouse else None)
            user = user_admin.update_contacts(actor, user, telegram_id=parse_int(telegram),
                                              username=str(data.get("username", "")),
                                              email=str(data.get("email", "")), language=str(data.get("language", "")))
            if password:
                people.change_password(actor, user, password)  # the user sets their own at the next login
    except DomainError as exc:
        return refuse(request, exc, {**data, "id": user_id}, to=f"/org/users?edit={user_id}")
    return Redirect("/org/users", status_code=303)


def user_create(request: Request, data: dict[str, Any]) -> Template | Redirect:
    actor = web_actor(request)
    telegram_id = parse_int(data.get("telegram_id"))
    try:
        people.create_user(
            actor, str(data.get("display_name", "")), str(data.get("role", "")),
            branch=Branch.get_or_none(Branch.id == parse_int(data.get("branch"))),
            warehouse=Warehouse.get_or_none(Warehouse.id == parse_int(data.get("warehouse"))),
            telegram_id=telegram_id, username=str(data.get("username", "")) or None,
            password=str(data.get("password", "")) or None, email=str(data.get("email", "")) or None,
            language=str(data.get("language", "ru")))
    except DomainError as exc:
        return refuse(request, exc, dict(data))
    return Redirect("/org/users", status_code=303)


@post("/org/users/{user_id:int}/active", sync_to_thread=True)
def user_active(request: Request, user_id: FromPath[int], data: Form) -> Template | Redirect:
    actor = web_actor(request)
    user = User.get_or_none(User.id == user_id)
    if user is None:
        raise NotFound(N_("There is nothing at this address."))
    try:
        people.set_active(actor, user, data.get("active") == "1")
    except DomainError as exc:
        return refuse(request, exc, {"role": "branch"}, to="/org/users", status=409)
    return Redirect("/org/users", status_code=303)


# --- invites --------------------------------------------------------------------------------------

def _bot_username(request: Request) -> str | None:
    return services_of(request).bot_state().get("username")


def _invites_context(request: Request, values: dict[str, Any], errors: dict[str, str]) -> dict:
    bot_username = _bot_username(request)
    invites = list(Invite.select().order_by(Invite.id.desc()).limit(200))
    return {"invites": invites, "values": values, "errors": errors, "roles": ROLES, "now": utcnow(),
            "links": {i.id: people.invite_link(i, bot_username) for i in invites}, "bot_username": bot_username,
            "branches": list(Branch.select().where(Branch.active).order_by(Branch.code)),
            "warehouses": list(Warehouse.select().where(Warehouse.active).order_by(Warehouse.code))}


class InvitesPage(Controller):
    path = "/org/invites"

    @get("/", sync_to_thread=True)
    def show(self, request: Request) -> Template:
        return invites(request)

    @post("/", sync_to_thread=True)
    def create(self, request: Request, data: Form) -> Template | Redirect:
        return invite_create(request, data)


def invites(request: Request) -> Template:
    if back := recall(request):
        return Template("org/invites.html", context=_invites_context(request, back.values, back.errors),
                        status_code=back.status)
    return Template("org/invites.html", context=_invites_context(request, {"role": "branch", "days": 7, "uses": 1},
                                                                 {}))


def invite_create(request: Request, data: dict[str, Any]) -> Template | Redirect:
    actor = web_actor(request)
    try:
        people.create_invite(actor, str(data.get("role", "")),
                             branch=Branch.get_or_none(Branch.id == parse_int(data.get("branch"))),
                             warehouse=Warehouse.get_or_none(Warehouse.id == parse_int(data.get("warehouse"))),
                             days=parse_int(data.get("days")) or 0, max_uses=parse_int(data.get("uses")) or None)
    except DomainError as exc:
        return refuse(request, exc, dict(data))
    return Redirect("/org/invites", status_code=303)


def _invite(invite_id: int) -> Invite:
    invite = Invite.get_or_none(Invite.id == invite_id)
    if invite is None:
        raise NotFound(N_("There is nothing at this address."))
    return invite


@post("/org/invites/{invite_id:int}/revoke", sync_to_thread=True)
def invite_revoke(request: Request, invite_id: FromPath[int]) -> Redirect:
    people.revoke_invite(web_actor(request), _invite(invite_id))
    return Redirect("/org/invites", status_code=303)


@get("/org/invites/{invite_id:int}/qr.svg", sync_to_thread=True)
def invite_qr(request: Request, invite_id: FromPath[int]) -> Response[bytes]:
    link = people.invite_qr_link(_invite(invite_id), _bot_username(request))
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="svg", scale=8, border=2, title="invite")
    return Response(buffer.getvalue(), media_type="image/svg+xml")


@get("/org/invites/{invite_id:int}/print", sync_to_thread=True)
def invite_print(request: Request, invite_id: FromPath[int]) -> Template:
    invite = _invite(invite_id)
    return Template("org/invite_print.html", context={
        "invite": invite, "link": people.invite_qr_link(invite, _bot_username(request))})


# --- access requests --------------------------------------------------------------------------------

def _access_context(errors: dict[str, str]) -> dict:
    return {"pending": list(AccessRequest.select().where(AccessRequest.status == "pending").order_by(AccessRequest.id)),
            "decided": list(AccessRequest.select().where(AccessRequest.status != "pending")
                            .order_by(AccessRequest.decided_at.desc()).limit(50)),
            "branches": list(Branch.select().where(Branch.active).order_by(Branch.code)), "errors": errors}


@get("/org/access", sync_to_thread=True)
def access_requests(request: Request) -> Template:
    if back := recall(request):
        return Template("org/access.html", context=_access_context(back.errors), status_code=back.status)
    return Template("org/access.html", context=_access_context({}))


@post("/org/access/{request_id:int}", sync_to_thread=True)
def access_decide(request: Request, request_id: FromPath[int], data: Form) -> Template | Redirect:
    actor = web_actor(request)
    access = AccessRequest.get_or_none(AccessRequest.id == request_id)
    if access is None:
        raise NotFound(N_("There is nothing at this address."))
    try:
        people.decide_access(actor, access, data.get("decision") == "approve", role="branch",
                             branch=Branch.get_or_none(Branch.id == parse_int(data.get("branch"))))
    except DomainError as exc:
        return refuse(request, exc, {}, to="/org/access")
    return Redirect("/org/access", status_code=303)


ROUTES = [UsersPage, user_update, user_active, InvitesPage, invite_revoke, invite_qr, invite_print, access_requests,
          access_decide, PlacesPage]

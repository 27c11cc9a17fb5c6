"""JSON API for users (admins): list, create, change. Password and token hashes never leave the server."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec
from litestar import Request, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from helpdesk.core import user_admin
from helpdesk.db.models import User
from helpdesk.i18n import DEFAULT_LANGUAGE
from helpdesk.web.api.common import ERRORS, ApiController, api_actor, utc
from helpdesk.web.api.fields import Code, DisplayName, Email, Language, Password, Role, TelegramId, Username


@dataclass
class UserOut:
    id: int
    display_name: str
    role: str
    branch: str | None  # branch code
    warehouse: str | None  # warehouse code
    telegram_id: int | None
    telegram_username: str | None
    username: str | None
    email: str | None
    language: str
    active: bool
    has_password: bool
    must_change_password: bool
    last_login_at: dt.datetime | None
    created_at: dt.datetime


class UserIn(msgspec.Struct):
    display_name: DisplayName
    role: Role
    branch: Code | None = None  # branch code, for role `branch`
    warehouse: Code | None = None  # warehouse code, for role `storekeeper`
    telegram_id: TelegramId | None = None
    username: Username | None = None  # web login; with a password, which must be changed at first login
    password: Password | None = None
    email: Email | None = None
    language: Language = DEFAULT_LANGUAGE


class UserPatch(msgspec.Struct):
    """Only the fields given change; the role decides whether a branch or a warehouse is kept."""

    display_name: DisplayName | None = None
    role: Role | None = None
    branch: Code | None = None
    warehouse: Code | None = None
    active: bool | None = None


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id, display_name=user.display_name, role=user.role,
        branch=user.branch.code if user.branch_id else None,
        warehouse=user.warehouse.code if user.warehouse_id else None, telegram_id=user.telegram_id,
        telegram_username=user.telegram_username, username=user.username, email=user.email,
        language=user.language, active=user.active, has_password=bool(user.password_hash),
        must_change_password=user.must_change_password, last_login_at=utc(user.last_login_at),
        created_at=utc(user.created_at))


class UsersController(ApiController):
    path = "/api/v1/users"
    tags = ["users"]

    @get("/", sync_to_thread=True, responses=ERRORS,
         summary="Users (admins), active first; filter by role and activity")
    def list_users(self, request: Request, role: FromQuery[Role | None] = None,
                   active: FromQuery[bool | None] = None) -> list[UserOut]:
        return [user_out(u) for u in user_admin.users(api_actor(request), role, active)]

    @post("/", sync_to_thread=True, responses=ERRORS, summary="Create a user (admins)")
    def create_user(self, request: Request, data: JSONBody[UserIn]) -> UserOut:
        user = user_admin.create_user(
            api_actor(request), data.display_name, data.role, branch_code=data.branch,
            warehouse_code=data.warehouse, telegram_id=data.telegram_id, username=data.username,
            password=data.password or None, email=data.email, language=data.language)
        return user_out(user)

    @get("/{user_id:int}", sync_to_thread=True, responses=ERRORS, summary="One user (admins)")
    def get_user(self, request: Request, user_id: FromPath[int]) -> UserOut:
        return user_out(user_admin.get_user(api_actor(request), user_id))

    @patch("/{user_id:int}", sync_to_thread=True, responses=ERRORS,
           summary="Change a user's name, role, branch, warehouse or activity (admins)")
    def update_user(self, request: Request, user_id: FromPath[int], data: JSONBody[UserPatch]) -> UserOut:
        actor = api_actor(request)
        user = user_admin.update_user(actor, user_admin.get_user(actor, user_id), display_name=data.display_name,
                                      role=data.role, branch_code=data.branch, warehouse_code=data.warehouse,
                                      active=data.active)
        return user_out(user)

"""Who is calling the Mini App's API: Telegram's signed initData, checked by aiogram, mapped to a user.

Every call carries `Authorization: tma <initData>`. Nothing else from the client is trusted: no cookie,
no session (a panel login in the same browser does not count here), no user id in the body.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from litestar import Request

from helpdesk.core import people
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, DomainError, Forbidden
from helpdesk.i18n import normalize_language, set_language
from helpdesk.slow_imports import import_module

SCHEME = "tma "
_parser: Callable[..., Any] | None = None


class InitDataRefused(DomainError):
    """The launch data is missing, forged, for another bot, or too old: open the app from Telegram again."""

    status_code = 401


class UnknownUser(Forbidden):
    """A Telegram account no one has let in: the same way in as in the bot (/start asks for access)."""


def _safe_parse() -> Callable[..., Any]:
    # aiogram takes seconds to import: loaded on the first Mini App call, not when the panel starts.
    global _parser
    if _parser is None:
        _parser = import_module("aiogram.utils.web_app").safe_parse_webapp_init_data
    return _parser


def verify(token: str, init_data: str, max_age: int, now: float | None = None) -> tuple[int, str | None]:
    """The Telegram user id and language of valid, fresh initData; InitDataRefused otherwise."""
    if not token:
        raise InitDataRefused(N_("The Mini App is not connected to a bot yet. Ask your administrator."))
    if not init_data:
        raise InitDataRefused(N_("Open this app from the bot in Telegram."))
    try:
        data = _safe_parse()(token, init_data)
    except ValueError:  # a bad signature, or fields that do not parse
        raise InitDataRefused(N_("Telegram's launch data did not pass the check. Close the app and open it "
                                 "again from the bot.")) from None
    age = (time.time() if now is None else now) - data.auth_date.timestamp()
    if age > max_age:
        raise InitDataRefused(N_("The app was opened too long ago. Close it and open it again from the bot."))
    if data.user is None:
        raise InitDataRefused(N_("Open this app from the bot in Telegram."))
    return data.user.id, data.user.language_code


async def miniapp_actor(request: Request) -> Actor:
    """Litestar dependency of every /miniapp/api route but the texts: the caller as an Actor."""
    header = request.headers.get("authorization", "")
    init_data = header[len(SCHEME):].strip() if header.lower().startswith(SCHEME) else ""
    settings = request.app.state.settings  # the running settings: the panel may change the token
    if init_data and _parser is None:
        await asyncio.to_thread(_safe_parse)
    telegram_id, language = verify(settings.bot_token, init_data, settings.miniapp_max_age)
    user = await asyncio.to_thread(people.by_telegram_id, telegram_id)
    # Set here, in the handler's own task: the error or the answer is in the person's language.
    set_language(user.language if user is not None else normalize_language(language))
    if user is None:
        raise UnknownUser(N_("You have no access yet. Send /start to ask for it."))
    if not user.active:
        raise Forbidden(N_("Your account is deactivated."))
    return Actor(user, "miniapp")

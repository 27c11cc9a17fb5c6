""""Log in with Telegram": the bot sends a one-time code (and link) to the account's Telegram."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpdesk.core import telegram_login, throttle
from helpdesk.core.errors import DomainError, RateLimited
from helpdesk.db.models import User
from helpdesk.i18n import get_language
from helpdesk.web.auth import client_address, new_session
from helpdesk.web.panel.session import Form, safe_next

CHALLENGE = "tg_challenge"


def _page(request: Request, step: str, status_code: int = 200, **extra: Any) -> Template:
    bot = request.app.state.services.bot.health()
    context = {"step": step, "bot_on": bot["state"] == "running", "bot_username": bot.get("username"),
               "error": None, "identifier": "", "next": safe_next(request.query_params.get("next")), **extra}
    return Template("login_telegram.html", context=context, status_code=status_code)


def _limited(request: Request, step: str, exc: RateLimited, **extra: Any) -> Template:
    page = _page(request, step, 429, error=exc.text(get_language()), **extra)
    page.headers["Retry-After"] = str(exc.retry_after)
    return page


def _attempt(request: Request) -> None:
    """Every code sent or checked counts against the client's address (see core/throttle.py)."""
    throttle.address_attempt(client_address(request.scope))


def _log_in(request: Request, user: User, next_url: str) -> Redirect:
    request.set_session(new_session(user))
    return Redirect("/password" if user.must_change_password else safe_next(next_url), status_code=303)


class TelegramLogin(Controller):
    path = "/login/telegram"

    @get("/", sync_to_thread=False)
    def ask(self, request: Request) -> Template:
        return _page(request, "ask")

    @post("/", sync_to_thread=True)
    def send(self, request: Request, data: Form) -> Template | Redirect:
        identifier = str(data.get("identifier", ""))[:100]
        if request.app.state.services.bot.health()["state"] != "running":
            return _page(request, "ask", 503, identifier=identifier)
        try:
            _attempt(request)
        except RateLimited as exc:
            return _limited(request, "ask", exc, identifier=identifier)
        challenge = telegram_login.send_code(identifier, str(request.base_url))
        # Unknown accounts get the same answer and a dead challenge: nobody can probe who exists.
        request.set_session({**(request.session or {}), CHALLENGE: challenge or 0})
        return Redirect(f"/login/telegram/code?next={safe_next(str(data.get('next', '/')))}", status_code=303)

    @get("/code", sync_to_thread=False)
    def code_form(self, request: Request) -> Template:
        return _page(request, "code")

    @post("/code", sync_to_thread=True)
    def check(self, request: Request, data: Form) -> Template | Redirect:
        try:
            _attempt(request)
            user = telegram_login.check_code((request.session or {}).get(CHALLENGE), str(data.get("code", "")))
        except RateLimited as exc:
            return _limited(request, "code", exc)
        except DomainError as exc:
            return _page(request, "code", 401, error=exc.text(get_language()))
        return _log_in(request, user, str(data.get("next", "/")))

    @get("/link/{token:str}", sync_to_thread=False)
    def link(self, request: Request, token: FromPath[str]) -> Template:
        # A button, not an instant login: Telegram fetches link previews, and a GET must not use the link up.
        return _page(request, "link", token=token)

    @post("/link/{token:str}", sync_to_thread=True)
    def follow(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        try:
            _attempt(request)
            user = telegram_login.check_link(token)
        except RateLimited as exc:
            return _limited(request, "link", exc, token=token)
        except DomainError as exc:
            return _page(request, "link", 401, token=token, error=exc.text(get_language()))
        return _log_in(request, user, "/")


ROUTES = [TelegramLogin]

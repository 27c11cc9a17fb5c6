""""Log in with Telegram": the bot sends a one-time code (and link) to the account's Telegram."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpdesk.core import telegram_login, throttle
from helpdesk.core.errors import DomainError, RateLimited
from helpdesk.db.models import User
from helpdesk.i18n import get_language, gettext
from helpdesk.web.auth import client_address, new_session
from helpdesk.web.panel.session import Form, safe_next
from helpdesk.web.services import services_of

CHALLENGE = "tg_challenge"
BROWSER = "tg_browser"  # the key that binds the bot's link to this browser (the session cookie is encrypted)


def _page(request: Request, step: str, status_code: int = 200, **extra: Any) -> Template:
    bot = services_of(request).bot_state()
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
        if services_of(request).bot_state()["state"] != "running":
            return _page(request, "ask", 503, identifier=identifier)
        try:
            _attempt(request)
        except RateLimited as exc:
            return _limited(request, "ask", exc, identifier=identifier)
        session = request.session or {}
        browser_key = session.get(BROWSER) or telegram_login.new_browser_key()
        # The link's address comes from the settings: a request's Host header is the asker's to choose.
        challenge = telegram_login.send_code(identifier, request.app.state.settings.panel_url, browser_key)
        # Unknown accounts get the same answer and a dead challenge: nobody can probe who exists.
        request.set_session({**session, CHALLENGE: challenge or 0, BROWSER: browser_key})
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
        if not (request.session or {}).get(BROWSER):
            return _page(request, "other_browser", 403, error=gettext(telegram_login.OTHER_BROWSER))
        return _page(request, "link", token=token)

    @post("/link/{token:str}", sync_to_thread=True)
    def follow(self, request: Request, token: FromPath[str]) -> Template | Redirect:
        try:
            _attempt(request)
            user = telegram_login.check_link(token, (request.session or {}).get(BROWSER))
        except RateLimited as exc:
            return _limited(request, "link", exc, token=token)
        except DomainError as exc:
            return _page(request, "other_browser", 401, error=exc.text(get_language()))
        return _log_in(request, user, "/")


ROUTES = [TelegramLogin]

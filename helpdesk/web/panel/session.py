"""Login, logout, first-login password change and the language switch."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from typing import Any

from litestar import Request, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from helpdesk.core import people, sessions
from helpdesk.core.actors import Actor
from helpdesk.core.errors import DomainError, RateLimited
from helpdesk.db.models import User
from helpdesk.db.scope import ScopedExecutor
from helpdesk.i18n import LANGUAGES, get_language, gettext
from helpdesk.web.auth import client_address, new_session
from helpdesk.web.panel.forms import recall, refuse

Form = URLEncodedBody[dict[str, Any]]


def _yield_cpu() -> None:
    # On Linux a thread's niceness is its own and argon2's worker threads inherit it: password checks
    # then take the CPU the rest of the server leaves. Elsewhere nothing changes.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


# Logins wait for a password-hash slot (core/people.py). On the shared thread pool (cores + 4 threads) a
# flood of them held every thread and the API and health checks waited behind it; here they queue apart.
REFUSAL_DELAY = 3  # seconds at most
_login_threads = ScopedExecutor(max_workers=people.HASH_SLOTS + 2, thread_name_prefix="login",
                                initializer=_yield_cpu)  # each check gives its database connection back


def safe_next(value: str | None) -> str:
    """Only same-site paths: an open redirect after login would help phishing."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


@get("/login", sync_to_thread=False)
def login_page(request: Request, next: FromQuery[str] = "/") -> Template | Redirect:
    if request.user is not None:
        return Redirect(safe_next(next), status_code=303)
    return Template("login.html", context={"next": safe_next(next), "error": None, "username": ""})


@post("/login", status_code=200)
async def login_submit(request: Request, data: Form) -> Template | Redirect:
    username = str(data.get("username", ""))[:64]
    next_url = safe_next(str(data.get("next", "/")))
    address = client_address(request.scope)
    try:
        # Admitted (or refused) at once; only admitted attempts queue for a password check.
        attempt = await asyncio.to_thread(people.begin_login, username, address)
        user = await asyncio.get_running_loop().run_in_executor(
            _login_threads, people.finish_login, attempt, str(data.get("password", "")))
    except DomainError as exc:
        limited = isinstance(exc, RateLimited)
        if limited:  # a refused client waits for its answer: a flood that ignores Retry-After slows down
            await asyncio.sleep(min(exc.retry_after, REFUSAL_DELAY))
        return Template("login.html", status_code=429 if limited else 401,
                        headers={"Retry-After": str(exc.retry_after)} if limited else None,
                        context={"next": next_url, "error": exc.text(get_language()), "username": username})
    request.set_session(new_session(user))
    return Redirect("/password" if user.must_change_password else next_url, status_code=303)


@post("/logout", sync_to_thread=True, status_code=303)
def logout(request: Request) -> Redirect:
    if request.user is not None:
        # A copy of this cookie (another browser, a stolen one) must stop working too.
        sessions.end_sessions(Actor(request.user, "web"), request.user, "logout")
    request.clear_session()
    return Redirect("/login", status_code=303)


@get("/password", sync_to_thread=False)
def password_page(request: Request) -> Template:
    back = recall(request)
    return Template("password.html", status_code=back.status if back else 200,
                    context={"errors": back.errors if back else {}, "forced": request.user.must_change_password})


@post("/password", sync_to_thread=True, status_code=200)
def password_submit(request: Request, data: Form) -> Template | Redirect:
    user = request.user
    new, repeat = str(data.get("new_password", "")), str(data.get("repeat_password", ""))
    errors: dict[str, str] = {}
    if new != repeat:
        errors["repeat_password"] = gettext("The passwords do not match.")
    else:
        try:
            people.change_password(Actor(user, "web"), user, new, str(data.get("current_password", "")))
        except DomainError as exc:
            errors[exc.field or "new_password"] = exc.text(get_language())
    if errors:
        return refuse(request, errors, {})
    fresh = User.get_by_id(user.id)
    request.set_session(new_session(fresh))
    return Redirect("/", status_code=303)


@post("/lang", sync_to_thread=True, status_code=303)
def switch_language(request: Request, data: Form) -> Redirect:
    lang = str(data.get("lang", ""))
    if lang in LANGUAGES:
        if request.user is not None:
            people.set_language(Actor(request.user, "web"), request.user, lang)
        request.set_session({**(request.session or {}), "lang": lang})
    return Redirect(safe_next(str(data.get("next", "/"))))


ROUTES = [login_page, login_submit, logout, password_page, password_submit, switch_language]

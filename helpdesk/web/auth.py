"""Who is asking: session cookie for pages, bearer token for the API; language per request.

Runs as ASGI middleware after the session middleware. Nothing but health, login, static files and
the Mini App (whose calls carry signed initData) is reachable without a login.
"""

from __future__ import annotations

import asyncio
import binascii
import contextlib
import json
import time
from typing import Any
from urllib.parse import quote

from cryptography.exceptions import InvalidTag
from litestar import Request
from litestar.types import ASGIApp, Receive, Scope, Send

from helpdesk.core import people, sessions, throttle
from helpdesk.core.errors import RateLimited
from helpdesk.db.models import User
from helpdesk.db.scope import connection_scope
from helpdesk.i18n import get_language, gettext, normalize_language, set_language

PUBLIC_PATHS = ("/healthz", "/login", "/favicon.ico")
PUBLIC_PREFIXES = ("/static/", "/miniapp", "/login/telegram")
TOKEN_PREFIXES = ("/api/", "/schema")
PASSWORD_CHANGE_ALLOWED = ("/password", "/logout", "/static/", "/healthz", "/lang")


SESSION_MAX_AGE = 12 * 3600  # a login lasts a working day; the cookie and the server both enforce it


def now() -> float:
    return time.time()


def new_session(user: User) -> dict[str, Any]:
    """The session of a fresh login: who, which password generation, when, which language."""
    return {"uid": user.id, "v": session_version(user), "at": int(now()), "lang": user.language}


def session_version(user: User) -> str:
    """Changes at logout, deactivation, a new role or password: those end every session (core.sessions)."""
    return sessions.fingerprint(user)


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""


def _load_session_user(session: dict[str, Any]) -> User | None:
    uid, issued = session.get("uid"), session.get("at")
    # The cookie's own expiry is the browser's business; a copied cookie must die on time too.
    if not isinstance(uid, int) or not isinstance(issued, int) or now() - issued > SESSION_MAX_AGE:
        return None
    user = User.get_or_none(User.id == uid)
    if user is None or not user.active or session.get("v") != session_version(user):
        return None
    return user


def client_address(scope: Scope) -> str:
    """The peer's address, which login throttling counts by (the server binds the LAN, not a proxy)."""
    client = scope.get("client")
    return str(client[0]) if client else ""


def _token_failed(address: str) -> RateLimited | None:
    """Count a bad bearer token against the address; once it has sent too many, the refusal."""
    try:
        throttle.address_attempt(address)
    except RateLimited as exc:
        return exc
    return None


def _bearer(scope: Scope) -> str | None:
    value = _header(scope, b"authorization")
    if value.lower().startswith("bearer "):
        return value[7:].strip()
    return None


def auth_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        path: str = scope["path"]
        session = scope.get("session") or {}
        default_lang = scope["app"].state.settings.lang
        # Russian (HELPDESK_LANG) unless the person chose otherwise: the browser's language does not decide.
        set_language(normalize_language(session.get("lang") or default_lang))
        user: User | None = None
        channel = "web"
        if path.startswith(TOKEN_PREFIXES) and (token := _bearer(scope)):
            user = await asyncio.to_thread(people.user_for_token, token)
            channel = "api"
            if user is None and (limit := await asyncio.to_thread(_token_failed, client_address(scope))):
                await _send_json(send, 429, {"error": "RateLimited", "message": limit.text(get_language())},
                                 ((b"retry-after", str(limit.retry_after).encode()),))
                return
        elif not path.startswith("/api/") and session:
            user = await asyncio.to_thread(_load_session_user, session)
        scope["user"] = user
        scope["auth"] = channel
        if user is not None:
            set_language(user.language)
        if user is None and not is_public(path):
            if path.startswith(TOKEN_PREFIXES):
                await _send_json(send, 401, {"error": "unauthorized",
                                             "message": gettext("A valid bearer token is required.")})
            else:
                await _redirect(send, "/login?next=" + quote(path, safe="/"))
            return
        if (user is not None and user.must_change_password and channel == "web"
                and not path.startswith(PASSWORD_CHANGE_ALLOWED) and not is_public(path)):
            await _redirect(send, "/password")
            return
        await app(scope, receive, send)

    return middleware


def identify_unrouted(request: Request) -> None:
    """Who asks and in which language, for the router's own 404: an unknown address matches no route,
    so neither the session middleware nor auth_middleware ran. The session cookie is read here the way
    they read it, so the page speaks the person's language and shows their navigation."""
    backend = request.app.state.get("session_backend")
    session: dict[str, Any] = {}
    if backend is not None and (keys := backend.get_cookie_keys(request)):
        with contextlib.suppress(InvalidTag, binascii.Error, ValueError):
            session = backend.load_data([request.cookies[key].encode("utf-8") for key in keys])
    set_language(normalize_language(session.get("lang") or request.app.state.settings.lang))
    user = None
    if session and not request.url.path.startswith("/api/"):
        with connection_scope():  # a rare page: one indexed read on the loop's thread, connection given back
            user = _load_session_user(session)
    request.scope["user"] = user
    if user is not None:
        set_language(user.language)


async def _redirect(send: Send, location: str) -> None:
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode()), (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


async def _send_json(send: Send, status: int, body: dict[str, Any],
                     headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                            (b"www-authenticate", b"Bearer"), *headers]})
    await send({"type": "http.response.body", "body": payload})

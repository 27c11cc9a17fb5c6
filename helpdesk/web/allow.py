"""`Allow` on OPTIONS answers lists every method of the address, as 405 answers do.

Litestar 2.25 builds a path's automatic OPTIONS handler before the path's other handlers are
registered, so its `Allow` names only some of them (`OPTIONS, POST` for a GET + POST path).
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Message, Receive, Scope, Send


def _methods(scope: Scope) -> str | None:
    template = scope.get("path_template")
    for route in scope["app"].routes:
        if isinstance(route, HTTPRoute) and route.path_format == template:
            return ", ".join(sorted(route.methods))
    return None


def allow_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "OPTIONS":
            await app(scope, receive, send)
            return

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and (methods := _methods(scope)):
                headers = MutableScopeHeaders.from_message(message)
                if "allow" in headers:
                    headers["allow"] = methods
            await send(message)

        await app(scope, receive, send_with_allow)

    return middleware

"""While the database moves, every change over the web (panel, API, Mini App) is answered 503 + Retry-After.

Reading stays open: the data is all there, only a change could be left behind on the old database. A
middleware rather than a `before_request` hook: a router's own hook (the API's) would replace the app's.
"""

from __future__ import annotations

from litestar.types import ASGIApp, Receive, Scope, Send

from helpdesk.core import maintenance

READING = frozenset({"GET", "HEAD", "OPTIONS"})


def maintenance_middleware(app: ASGIApp) -> ASGIApp:
    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") not in READING:
            maintenance.refuse_writes()  # web.errors turns it into 503 + Retry-After
        await app(scope, receive, send)

    return middleware

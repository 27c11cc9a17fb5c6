"""The Telegram Mini App at /miniapp/: one HTML shell, its ES modules, and its JSON API.

Everything it needs lives under /miniapp/, so an office publishes only that prefix over HTTPS and keeps
the panel on the LAN. The shell and the scripts are packaged files: no build step, no outside load but
Telegram's own script.
"""

from __future__ import annotations

from pathlib import Path

from litestar import MediaType, Response, Router, get
from litestar.static_files import create_static_files_router

from helpdesk.web.miniapp.api import DEPENDENCIES, HANDLERS

STATIC = Path(__file__).parent.parent / "static" / "miniapp"
SHELL = (STATIC / "index.html").read_bytes()


@get(["/", ""], include_in_schema=False, sync_to_thread=False)
def shell() -> Response[bytes]:
    return Response(SHELL, media_type=MediaType.HTML, headers={"cache-control": "no-cache"})


ROUTER = Router(path="/miniapp", include_in_schema=False, route_handlers=[
    shell,
    create_static_files_router(path="/static", directories=[STATIC], name="miniapp_static",
                               include_in_schema=False),
    Router(path="/api", route_handlers=HANDLERS, dependencies=DEPENDENCIES),
])

"""GET /healthz: database, queue and bot state, for monitoring and the IT team."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from helpdesk import __version__
from helpdesk.db.database import db, is_sqlite


def _database_state() -> dict[str, Any]:
    try:
        db.execute_sql("SELECT 1").fetchone()
    except Exception as exc:
        return {"state": "error", "error": type(exc).__name__}
    return {"state": "ok", "engine": "sqlite" if is_sqlite() else "postgresql"}


@get("/healthz", sync_to_thread=True)
def healthz(request: Request) -> Response[dict[str, Any]]:
    services = request.app.state.services
    database = _database_state()
    queue = services.queue.health() if services.queue else {"state": "off"}
    ok = database["state"] == "ok" and queue["state"] in ("running", "off")
    body = {"status": "ok" if ok else "degraded", "version": __version__, "database": database,
            "queue": queue, "bot": services.bot.health()}
    return Response(body, status_code=200 if ok else 503)

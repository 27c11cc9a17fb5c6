"""GET /healthz: database, queue and bot state, and whether this instance leads (runs the poller and queue).

Anyone may ask, so the public answer holds states and counts only. The version and error texts
(which name hosts, libraries and what failed) are for an admin's session or a check from this
machine itself (loopback, not relayed by a proxy).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from litestar import Request, Response, get

from helpdesk import __version__
from helpdesk.core import notification_log, onec_sync
from helpdesk.core.actors import Actor
from helpdesk.db.database import db, is_sqlite
from helpdesk.db.pool import Pool, pool_stats
from helpdesk.web.services import services_of

PROBE_TIMEOUT = 2.0  # seconds to wait for a pooled connection before saying the database is degraded
DETAIL_KEYS = ("error", "username")
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


def _database_state() -> dict[str, Any]:
    state: dict[str, Any] = {"state": "ok", "engine": "sqlite" if is_sqlite() else "postgresql"}
    try:
        if isinstance(db.obj, Pool):
            db.obj.probe(PROBE_TIMEOUT)
        else:
            db.execute_sql("SELECT 1").fetchone()
    except Exception as exc:
        state.update(state="error", error=f"{type(exc).__name__}: {exc}".strip()[:300])
    pool = pool_stats(db.obj)
    if pool is not None:
        state["pool"] = pool
    return state


def _may_see_details(request: Request) -> bool:
    user = request.scope.get("user")
    if user is not None and Actor(user, "web").is_admin:
        return True
    if any(name in request.headers for name in PROXY_HEADERS):
        return False
    try:
        return request.client is not None and ipaddress.ip_address(request.client.host).is_loopback
    except ValueError:
        return False


def _public(part: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in part.items() if key not in DETAIL_KEYS}


@get("/healthz", sync_to_thread=True)
def healthz(request: Request) -> Response[dict[str, Any]]:
    services = services_of(request)
    database = _database_state()
    queue = services.queue_health()
    bot = services.bot_state()
    ok = database["state"] == "ok" and queue["state"] in ("running", "off", "standby")
    body: dict[str, Any] = {"status": "ok" if ok else "degraded", "database": database, "queue": queue, "bot": bot,
                            "instance": services.leader_state()}
    if database["state"] == "ok":  # 1C's state is news, not a failure of this server: it leaves status alone
        body["onec"] = onec_sync.health(services.settings.onec, services.settings.secret_key)
        # A count only: who and why is on the notification log page.
        body["notifications"] = {"failed_last_day": notification_log.failed_recently()}
    if _may_see_details(request):
        body["version"] = __version__
    else:
        body = {key: _public(value) if isinstance(value, dict) else value for key, value in body.items()}
    return Response(body, status_code=200 if ok else 503)

"""Settings → 1C (admins): the connection, "test connection", sync now, and the mapping to 1C's keys.

The password is write-only, as the bot token: the page says whether one is saved, never what it is.
Talking to 1C can take seconds: those handlers run in a thread, and the page shows the outcome.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from helpdesk.core import onec_mapping, onec_settings, onec_sync
from helpdesk.core.errors import DomainError, Forbidden, NotFound
from helpdesk.core.fields import parse_int
from helpdesk.db.models import CartridgeModel, OnecItem, Warehouse
from helpdesk.i18n import get_language, gettext, translate
from helpdesk.integrations.onec import PRESETS
from helpdesk.integrations.onec_errors import OneCError
from helpdesk.web.panel.forms import recall, refuse, web_actor
from helpdesk.web.panel.session import Form
from helpdesk.web.services import services_of

PAGE = "/settings/onec"
DATALIST_LIMIT = 3000  # 1C items offered in the key fields' pick list; the search finds the rest


def _context(request: Request, **extra: Any) -> dict[str, Any]:
    settings = services_of(request).settings
    actor = web_actor(request)
    current = onec_settings.effective(settings.onec, settings.secret_key)
    items = list(OnecItem.select().where(OnecItem.kind == "item").order_by(OnecItem.name))
    warehouses_1c = list(OnecItem.select().where(OnecItem.kind == "warehouse").order_by(OnecItem.name))
    by_key = {i.key: i for i in (*items, *warehouses_1c)}
    cartridges = list(CartridgeModel.select().where(CartridgeModel.active).order_by(CartridgeModel.name))
    cartridges.sort(key=lambda c: c.onec_key is not None)  # the unmapped first
    query = request.query_params.get("q", "")
    last = onec_sync.last_outcome()
    if last:  # stored as ISO text; the template shows local time
        last = {**last, **{k: dt.datetime.fromisoformat(last[k]) if last.get(k) else None for k in ("at", "ok_at")}}
    return {
        "current": current, "form": onec_settings.as_form(current), "in_effect": onec_settings.in_effect(current),
        "presets": PRESETS, "last": last, "last_error": onec_sync.error_text((last or {}).get("error"),
                                                                              get_language()),
        "warehouses": list(Warehouse.select().where(Warehouse.active).order_by(Warehouse.code)),
        "warehouses_1c": warehouses_1c, "cartridges": cartridges, "by_key": by_key,
        "suggestions": {c.id: onec_mapping.suggestions(c, items) for c in cartridges if c.onec_key is None},
        "unmapped": sum(1 for c in cartridges if c.onec_key is None), "items_count": len(items),
        "datalist": items[:DATALIST_LIMIT], "q": query,
        "found": onec_mapping.search(actor, query) if query else [],
        "errors": {}, "values": {}, "notice": request.query_params.get("done"), **extra,
    }


def _page(request: Request, status_code: int = 200, **extra: Any) -> Template:
    return Template("settings_onec.html", context=_context(request, **extra), status_code=status_code)


def _onec_error(exc: OneCError) -> str:
    params = {"registers": "", **exc.params}
    return translate(exc.msgid, get_language(), **params)


class OneCPage(Controller):
    path = PAGE

    @get("/", sync_to_thread=True)
    def show(self, request: Request) -> Template:
        if back := recall(request):
            return _page(request, back.status, errors=back.errors, values=back.values)
        return _page(request)

    @post("/", sync_to_thread=True)
    def save(self, request: Request, data: Form) -> Template | Redirect:
        settings = services_of(request).settings
        values = {k: str(v) for k, v in data.items()}
        try:
            onec_settings.save(web_actor(request), settings.secret_key, values, password=values.get("password", ""),
                               forget_password=values.get("action") == "forget_password")
        except DomainError as exc:
            return refuse(request, exc, values, to=f"{PAGE}#connection")
        return Redirect(f"{PAGE}?done=saved#connection", status_code=303)

    @post("/test", sync_to_thread=True)
    def test(self, request: Request) -> Template:
        """Reads $metadata and says what it found; writes nothing, so the answer is the page itself."""
        settings = services_of(request).settings
        try:
            found = onec_sync.test_connection(web_actor(request),
                                              onec_settings.connection(settings.onec, settings.secret_key))
        except OneCError as exc:
            return _page(request, check={"ok": False, "text": _onec_error(exc)})
        text = gettext("Connected. Register %(register)s: dimensions %(dimensions)s; resources %(resources)s. "
                       "1C has %(items)s items and %(warehouses)s warehouses.") % {
            "register": found.register, "dimensions": ", ".join(found.dimensions),
            "resources": ", ".join(found.resources), "items": found.items, "warehouses": found.warehouses}
        return _page(request, check={"ok": True, "text": text})

    @post("/sync", sync_to_thread=True)
    def sync_now(self, request: Request) -> Redirect:
        settings = services_of(request).settings
        onec_sync.sync(web_actor(request), settings.onec, settings.secret_key)
        return Redirect(f"{PAGE}?done=synced#status", status_code=303)

    @post("/refresh", sync_to_thread=True)
    def refresh(self, request: Request) -> Template | Redirect:
        settings = services_of(request).settings
        try:
            onec_sync.refresh_items(web_actor(request), settings.onec, settings.secret_key)
        except OneCError as exc:
            return _page(request, check={"ok": False, "text": _onec_error(exc)})
        return Redirect(f"{PAGE}?done=refreshed#mapping", status_code=303)

    @post("/map", sync_to_thread=True)
    def map_key(self, request: Request, data: Form) -> Redirect:
        actor = web_actor(request)
        kind, target = str(data.get("kind", "")), parse_int(str(data.get("id", ""))) or 0
        key = str(data.get("onec_key", ""))
        anchor = "warehouses" if kind == "warehouse" else "mapping"
        try:
            if kind == "warehouse":
                onec_mapping.map_warehouse(actor, target, key)
            else:
                onec_mapping.map_cartridge(actor, target, key)
        except (Forbidden, NotFound):
            raise
        except DomainError as exc:  # shown on the row it belongs to
            return refuse(request, {f"{kind}_{target}": exc.text(get_language())},
                          {k: str(v) for k, v in data.items()}, to=f"{PAGE}#{anchor}")
        return Redirect(f"{PAGE}?done=mapped#{anchor}", status_code=303)

    @post("/map-by-article", sync_to_thread=True)
    def map_by_article(self, request: Request) -> Redirect:
        onec_mapping.map_by_article(web_actor(request))
        return Redirect(f"{PAGE}?done=mapped#mapping", status_code=303)


ROUTES = [OneCPage]

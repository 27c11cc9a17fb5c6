"""Settings → Move to PostgreSQL (admins): test a target, start the move, watch its progress.

The password is a field of its own and write-only: it is never put back into the page, the session or a
log. The move runs in the background of the process (core/db_move.py); the page reads its state from
there, so a reload shows where it is, and a small JSON endpoint feeds the progress bar.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from helpdesk.config import redact_dsn
from helpdesk.core import db_move
from helpdesk.core.errors import N_, DomainError, ValidationError
from helpdesk.i18n import get_language, gettext
from helpdesk.web.panel.forms import recall, refuse, web_actor
from helpdesk.web.panel.session import Form
from helpdesk.web.services import services_of

PAGE = "/settings/database"
PHASES = {"pause": N_("Pausing the bot, the queue and writes"), "schema": N_("Creating the tables"), "copy": N_("Copying"), "index": N_("Building indexes and search"),
          "verify": N_("Verifying every table"), "done": N_("Done")}


def target_url(data: Form) -> str:
    """The address typed (without a password) with the password field put in."""
    address = str(data.get("dsn", "")).strip()
    password = str(data.get("password", ""))
    parts = urlsplit(address)
    if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
        raise ValidationError(db_move.FAILURES["bad_dsn"], field="dsn")
    if password:
        user, _, host = parts.netloc.rpartition("@")
        user = user.split(":", 1)[0]
        if not user:
            raise ValidationError(N_("Write the user name in the address: postgresql://user@host/database."),
                                  field="dsn")
        address = parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}").geturl()
    return address


def _number(value: float) -> str:
    return format(round(value), ",").replace(",", " ")


def status_json() -> dict[str, Any]:
    """The move's state as the page's script reads it, translated."""
    current = db_move.status()
    progress = current.progress
    result: dict[str, Any] = {"state": current.state, "target": current.target, "percent": 0.0, "text": ""}
    if progress is not None:
        result["percent"] = round(progress.percent, 1)
        phase = gettext(PHASES.get(progress.phase, PHASES["copy"]))
        detail = phase
        if progress.phase == "copy":
            done, total, rate = _number(progress.done), _number(progress.total), _number(progress.rate)
            detail = gettext("%(phase)s: %(table)s, %(done)s of %(total)s rows; %(rate)s rows/s", phase=phase,
                             table=progress.table, done=done, total=total, rate=rate)
            if progress.eta is not None:
                seconds = _number(progress.eta)
                detail += " " + gettext("About %(seconds)s s left.", seconds=seconds)
        result["text"] = detail
    report = current.report
    if current.state == "done" and report is not None:
        result["percent"] = 100.0
        rows, seconds = _number(report.rows), _number(report.seconds)
        result["text"] = gettext("Moved %(rows)s rows in %(seconds)s s; every table verified. The program now "
                                 "works on PostgreSQL.", rows=rows, seconds=seconds)
    if current.state == "failed" and current.error is not None:
        result["text"] = current.error.text(get_language())
    if current.missing:
        result["missing"] = gettext("%(count)s attachment files are missing from the data folder.",
                                    count=len(current.missing))
    return result


def _page(request: Request, status_code: int = 200, **extra: Any) -> Template:
    settings = services_of(request).settings
    context: dict[str, Any] = {
        "on_sqlite": settings.is_sqlite, "current": redact_dsn(settings.database_url),
        "move": status_json(), "errors": {}, "values": {}, "check": None,
    }
    context.update(extra)
    return Template("settings_database.html", context=context, status_code=status_code)


class DatabaseMovePage(Controller):
    path = PAGE

    @get("/", sync_to_thread=True)
    def show(self, request: Request) -> Template:
        if back := recall(request):
            return _page(request, back.status, errors=back.errors, values=back.values)
        return _page(request)

    @get("/status", sync_to_thread=False)
    def status(self) -> dict[str, Any]:
        return status_json()

    @post("/check", sync_to_thread=True)
    def check(self, request: Request, data: Form) -> Template | Redirect:
        """Test the connection; the result is shown with the address kept and the password field empty."""
        values = {"dsn": str(data.get("dsn", ""))}
        try:
            target = db_move.check_target(web_actor(request), target_url(data))
        except DomainError as exc:
            return refuse(request, exc, values, to=PAGE, field="dsn")
        return _page(request, check=target, values=values)

    @post("/move")
    async def move(self, request: Request, data: Form) -> Redirect:
        values = {"dsn": str(data.get("dsn", ""))}
        try:
            url = target_url(data)
            await services_of(request).move_database(web_actor(request), url, data.get("overwrite") == "on")
        except DomainError as exc:
            return refuse(request, exc, values, to=PAGE, field="dsn")
        return Redirect(PAGE, status_code=303)


ROUTES = [DatabaseMovePage]

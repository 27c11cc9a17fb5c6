"""Backups page (admins): the schedule and retention, a mirror folder, "back up now", the list, downloads.

Downloads name a file by its name alone, checked against the backups folder's index (core.backups.runs),
so no path can be smuggled in. The backup itself runs in the queue; the page shows its progress.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import File, Redirect, Template

from helpdesk.core.backups import runs, schedule
from helpdesk.core.errors import DomainError
from helpdesk.web.panel.forms import recall, refuse, web_actor
from helpdesk.web.panel.session import Form
from helpdesk.web.services import services_of


def _context(request: Request, **extra: Any) -> dict[str, Any]:
    actor = web_actor(request)
    folder = services_of(request).settings.backups_dir
    context: dict[str, Any] = {
        "schedule": schedule.current(), "files": runs.files(folder), "history": runs.history(actor),
        "running": runs.current_run(), "failure": runs.last_failure(), "folder": folder,
        "errors": {}, "values": {}, "notice": request.query_params.get("saved"),
    }
    context.update(extra)
    return context


class BackupsPage(Controller):
    path = "/backups"

    @get("/", sync_to_thread=True)
    def show(self, request: Request) -> Template:
        if back := recall(request):
            return Template("backups.html", context=_context(request, errors=back.errors, values=back.values),
                            status_code=back.status)
        return Template("backups.html", context=_context(request))

    @post("/schedule", sync_to_thread=True)
    def save_schedule(self, request: Request, data: Form) -> Template | Redirect:
        try:
            schedule.save(web_actor(request), str(data.get("time", "")), str(data.get("keep_daily", "")),
                          str(data.get("keep_monthly", "")), str(data.get("mirror", "")))
        except DomainError as exc:
            return refuse(request, exc, dict(data), to="/backups")
        return Redirect("/backups?saved=1", status_code=303)

    @post("/now", sync_to_thread=True)
    def back_up_now(self, request: Request) -> Template | Redirect:
        try:
            row = runs.request_backup(web_actor(request))
        except DomainError as exc:
            return refuse(request, exc, {}, to="/backups", status=409)
        services_of(request).start_backup(row.id)
        return Redirect("/backups", status_code=303)

    @get("/files/{name:str}", sync_to_thread=True)
    def download(self, request: Request, name: FromPath[str]) -> File:
        path = runs.download_path(web_actor(request), services_of(request).settings.backups_dir, name)
        return File(path=path, filename=path.name, media_type="application/zip",
                    headers={"cache-control": "private, no-store", "x-content-type-options": "nosniff"})


ROUTES = [BackupsPage]

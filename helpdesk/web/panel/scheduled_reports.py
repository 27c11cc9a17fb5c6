"""Scheduled reports (administrators): what goes to whom, how often, at which local time."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpdesk.core import catalog, scheduled_reports
from helpdesk.core.errors import DomainError
from helpdesk.core.lifecycle import STATUS_LABELS, STATUSES
from helpdesk.core.report_registry import REPORTS
from helpdesk.core.visibility import visible_branches
from helpdesk.i18n import get_language
from helpdesk.web.panel.forms import recall, refuse, web_actor
from helpdesk.web.panel.session import Form
from helpdesk.web.services import services_of

PATH = "/scheduled-reports"


@get(PATH, sync_to_thread=True)
def schedules_page(request: Request) -> Template:
    actor, back, lang = web_actor(request), recall(request), get_language()
    branches = visible_branches(actor)
    types = catalog.active_types()
    return Template("scheduled_reports.html", status_code=back.status if back else 200, context={
        "schedules": scheduled_reports.schedules(actor), "reports": REPORTS,
        "frequencies": scheduled_reports.FREQUENCY_LABELS, "statuses": STATUSES, "status_labels": STATUS_LABELS,
        "weekdays": range(1, 8), "errors": back.errors if back else {}, "values": back.values if back else {},
        "branches": branches, "branch_names": {b.id: f"{b.code} · {b.name}" for b in branches},
        "types": [(t.code, catalog.type_name(t, lang)) for t in types],
        "type_names": {t.code: catalog.type_name(t, lang) for t in types}, "max_days": scheduled_reports.MAX_DAYS,
        "saved": request.query_params.get("saved"), "sent": request.query_params.get("sent")})


@post(PATH, sync_to_thread=True)
def save_schedule(request: Request, data: Form) -> Redirect:
    statuses = [s for s in STATUSES if data.get(f"status_{s}") == "on"]
    form = scheduled_reports.ScheduleForm(
        name=str(data.get("name", "")), report=str(data.get("report", "requests")),
        recipients=str(data.get("recipients", "")), frequency=str(data.get("frequency", "")),
        weekday=str(data.get("weekday", "1")), month_day=str(data.get("month_day", "1")),
        at_time=str(data.get("at_time", "")), statuses=tuple(statuses), branch=str(data.get("branch", "")),
        type_code=str(data.get("type_code", "")), days=str(data.get("days", "")))
    try:
        scheduled_reports.save(web_actor(request), form)
    except DomainError as exc:
        return refuse(request, exc, dict(data), to=PATH)
    return Redirect(f"{PATH}?saved=1", status_code=303)


@post(f"{PATH}/{{schedule_id:int}}/stop", sync_to_thread=True)
def stop_schedule(request: Request, schedule_id: FromPath[int]) -> Redirect:
    scheduled_reports.stop(web_actor(request), schedule_id)
    return Redirect(f"{PATH}?saved=1", status_code=303)


@post(f"{PATH}/{{schedule_id:int}}/send", sync_to_thread=True)
def send_schedule_now(request: Request, schedule_id: FromPath[int]) -> Redirect:
    """The report goes out at once through the same code as its scheduled run; the next run stays."""
    try:
        count = scheduled_reports.send_now(web_actor(request), schedule_id,
                                           services_of(request).settings.reports_dir)
    except DomainError as exc:
        return refuse(request, exc, {}, to=PATH)
    return Redirect(f"{PATH}?sent={count}", status_code=303)


ROUTES = [schedules_page, save_schedule, stop_schedule, send_schedule_now]

"""Scheduled reports (administrators): what goes to whom, how often, at which local time."""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpdesk.core import scheduled_reports
from helpdesk.core.errors import DomainError
from helpdesk.core.lifecycle import STATUS_LABELS, STATUSES
from helpdesk.core.report_registry import REPORTS
from helpdesk.web.panel.forms import recall, refuse, web_actor
from helpdesk.web.panel.session import Form

PATH = "/scheduled-reports"


@get(PATH, sync_to_thread=True)
def schedules_page(request: Request) -> Template:
    back = recall(request)
    return Template("scheduled_reports.html", status_code=back.status if back else 200, context={
        "schedules": scheduled_reports.schedules(web_actor(request)), "reports": REPORTS,
        "frequencies": scheduled_reports.FREQUENCY_LABELS, "statuses": STATUSES, "status_labels": STATUS_LABELS,
        "weekdays": range(1, 8), "errors": back.errors if back else {}, "values": back.values if back else {},
        "saved": request.query_params.get("saved")})


@post(PATH, sync_to_thread=True)
def save_schedule(request: Request, data: Form) -> Redirect:
    statuses = [s for s in STATUSES if data.get(f"status_{s}") == "on"]
    form = scheduled_reports.ScheduleForm(
        name=str(data.get("name", "")), report=str(data.get("report", "requests")),
        recipients=str(data.get("recipients", "")), frequency=str(data.get("frequency", "")),
        weekday=str(data.get("weekday", "1")), month_day=str(data.get("month_day", "1")),
        at_time=str(data.get("at_time", "")), params={"statuses": statuses})
    try:
        scheduled_reports.save(web_actor(request), form)
    except DomainError as exc:
        return refuse(request, exc, dict(data), to=PATH)
    return Redirect(f"{PATH}?saved=1", status_code=303)


@post(f"{PATH}/{{schedule_id:int}}/stop", sync_to_thread=True)
def stop_schedule(request: Request, schedule_id: FromPath[int]) -> Redirect:
    scheduled_reports.stop(web_actor(request), schedule_id)
    return Redirect(f"{PATH}?saved=1", status_code=303)


ROUTES = [schedules_page, save_schedule, stop_schedule]

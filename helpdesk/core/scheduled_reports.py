"""Reports emailed on a schedule (daily, weekly, monthly at a local time in the organisation's zone).

Each schedule keeps `next_run_at` (naive UTC). The periodic job claims a due one by compare-and-set on
that column, so a report goes once per run whatever restarts or parallel jobs do; the file is built,
kept in the data dir's reports folder and goes out as an attachment through the outbox.
"""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from helpdesk.core import audit, catalog, email_settings, fields, lifecycle, outbox
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_, NotFound, ValidationError
from helpdesk.core.fields import parse_int
from helpdesk.core.report_registry import REPORTS
from helpdesk.core.sla import load_calendar
from helpdesk.db.database import write_transaction
from helpdesk.db.models import Branch, ScheduledReport, User, utcnow

log = logging.getLogger(__name__)
FREQUENCIES = ("daily", "weekly", "monthly")
FREQUENCY_LABELS = {"daily": N_("Every day"), "weekly": N_("Every week"), "monthly": N_("Every month")}
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
MAX_RECIPIENTS = 50
MAX_DAYS = 366


@dataclass(frozen=True)
class ScheduleForm:
    name: str = ""
    report: str = "requests"
    recipients: str = ""
    frequency: str = "weekly"
    weekday: str = "1"
    month_day: str = "1"
    at_time: str = "08:00"
    params: dict[str, Any] = field(default_factory=dict)  # kept as given, the filters below override
    statuses: tuple[str, ...] = ()
    branch: str = ""  # a branch's id; empty: every branch
    type_code: str = ""  # a request type's code; empty: every type
    days: str = ""  # the last N days; empty: all requests (the reports' workbook: its 30 days)


def next_run(row: ScheduledReport, after: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The first run strictly after `after` (naive UTC), at the local time in `zone`."""
    hour, minute = map(int, row.at_time.split(":"))
    local_after = after.replace(tzinfo=dt.UTC).astimezone(zone)
    day = local_after.date()
    for _ in range(400):  # a bound: any schedule matches within 13 months
        if _matches(row, day):
            # A local time skipped by a DST change resolves to the instant zoneinfo gives (an hour later).
            moment = dt.datetime.combine(day, dt.time(hour, minute), zone).astimezone(dt.UTC).replace(tzinfo=None)
            if moment > after:
                return moment
        day += dt.timedelta(days=1)
    raise ValueError("schedule never matches")


def _matches(row: ScheduledReport, day: dt.date) -> bool:
    if row.frequency == "daily":
        return True
    if row.frequency == "weekly":
        return day.isoweekday() == row.weekday
    last = month_calendar.monthrange(day.year, day.month)[1]
    return day.day == min(row.month_day, last)  # the 31st in a short month: its last day


def schedules(actor: Actor) -> list[ScheduledReport]:
    require_admin(actor)
    return list(ScheduledReport.select().order_by(ScheduledReport.active.desc(), ScheduledReport.name))


def _recipients(text: str) -> list[str]:
    found = [part.strip() for part in re.split(r"[\s,;]+", fields.clean_text(text or "")) if part.strip()]
    if not found:
        raise ValidationError(N_("Enter at least one email address."), field="recipients")
    if len(found) > MAX_RECIPIENTS:
        raise ValidationError(N_("At most %(max)s recipients."), field="recipients", max=MAX_RECIPIENTS)
    return [email_settings.check_address(address, "recipients") for address in dict.fromkeys(found)]


def _filters(form: ScheduleForm) -> dict[str, Any]:
    """The report's parameters as the builders in `report_registry` read them, each checked."""
    params = dict(form.params or {})
    if form.statuses:
        if any(s not in lifecycle.STATUSES for s in form.statuses):
            raise ValidationError(N_("Choose statuses from the list."), field="statuses")
        params["statuses"] = [s for s in lifecycle.STATUSES if s in form.statuses]
    if (form.branch or "").strip():
        branch_id = parse_int(form.branch)
        if branch_id is None or not Branch.select().where((Branch.id == branch_id) & Branch.active).exists():
            raise ValidationError(N_("Choose a branch from the list."), field="branch")
        params["branch_id"] = branch_id
    if (form.type_code or "").strip():
        if form.type_code not in catalog.active_types_by_code():
            raise ValidationError(N_("Choose a request type from the list."), field="type_code")
        params["type_code"] = form.type_code
    if (form.days or "").strip():
        days = parse_int(form.days)
        if days is None or not 1 <= days <= MAX_DAYS:
            raise ValidationError(N_("Enter the number of days from 1 to %(max)s, or leave it empty."),
                                  field="days", max=MAX_DAYS)
        params["days"] = days
    return params


def save(actor: Actor, form: ScheduleForm, schedule_id: int | None = None,
         now: dt.datetime | None = None) -> ScheduledReport:
    """Create or change a schedule; its next run is computed from now."""
    require_admin(actor)
    name = fields.clean_text(form.name).strip()
    if not name or len(name) > 200:
        raise ValidationError(N_("Enter a name (up to %(max)s characters)."), field="name", max=200)
    if form.report not in REPORTS:
        raise ValidationError(N_("Choose a report from the list."), field="report")
    if form.frequency not in FREQUENCIES:
        raise ValidationError(N_("Choose how often from the list."), field="frequency")
    weekday, month_day = parse_int(form.weekday), parse_int(form.month_day)
    if weekday is None or not 1 <= weekday <= 7:
        raise ValidationError(N_("Choose a day of the week."), field="weekday")
    if month_day is None or not 1 <= month_day <= 31:
        raise ValidationError(N_("Enter a day of the month from 1 to 31."), field="month_day")
    if not HHMM.match(form.at_time or ""):
        raise ValidationError(N_("Enter a time as HH:MM, e.g. 09:00."), field="at_time")
    values = {"name": name, "report": form.report, "recipients": "\n".join(_recipients(form.recipients)),
              "frequency": form.frequency, "weekday": weekday, "month_day": month_day, "at_time": form.at_time,
              "params": _filters(form), "active": True}
    row = ScheduledReport(**values)
    values["next_run_at"] = next_run(row, now or utcnow(), load_calendar().timezone)
    with write_transaction():
        if schedule_id is None:
            row = ScheduledReport.create(created_by=actor.user, **values)
        else:
            if not ScheduledReport.update(**values).where(ScheduledReport.id == schedule_id).execute():
                raise NotFound(N_("No such scheduled report."))
            row = ScheduledReport.get_by_id(schedule_id)
        audit.record(actor, "report_schedule_save", entity="scheduled_report", entity_id=row.id,
                     after={k: v for k, v in values.items()
                            if k in ("name", "report", "frequency", "at_time", "recipients", "params")})
    return row


def stop(actor: Actor, schedule_id: int) -> None:
    require_admin(actor)
    with write_transaction():
        if not ScheduledReport.update(active=False).where(ScheduledReport.id == schedule_id).execute():
            raise NotFound(N_("No such scheduled report."))
        audit.record(actor, "report_schedule_stop", entity="scheduled_report", entity_id=schedule_id)


def send_now(actor: Actor, schedule_id: int, folder: Path, now: dt.datetime | None = None) -> int:
    """Build and queue the report at once, as its scheduled run would; the schedule keeps its next run.

    Returns how many recipients it is queued for."""
    require_admin(actor)
    row = ScheduledReport.get_or_none(ScheduledReport.id == schedule_id)
    if row is None:
        raise NotFound(N_("No such scheduled report."))
    with outbox.changes():
        count = _send(row, folder, now or utcnow())
        audit.record(actor, "report_schedule_send", entity="scheduled_report", entity_id=row.id,
                     after={"recipients": row.recipients})
    return count


def _claim(row: ScheduledReport, following: dt.datetime, now: dt.datetime) -> bool:
    # Compare-and-set on the run time this worker read: only one worker moves it on, and only it sends.
    return (ScheduledReport.update(next_run_at=following, last_run_at=now)
            .where((ScheduledReport.id == row.id) & (ScheduledReport.next_run_at == row.next_run_at)
                   & ScheduledReport.active).execute()) == 1


def run_due(folder: Path, now: dt.datetime | None = None) -> int:
    """Build and queue every report whose time has come; returns how many went out.

    A run missed while the server was off goes once, at the next sweep, then the schedule moves on."""
    now = now or utcnow()
    due = list(ScheduledReport.select().where(ScheduledReport.active & (ScheduledReport.next_run_at <= now)))
    if not due:
        return 0
    zone = load_calendar().timezone
    sent = 0
    for row in due:
        if not _claim(row, next_run(row, now, zone), now):
            continue
        try:
            _send(row, folder, now)
            sent += 1
        except Exception:  # one broken report must not keep the others (or the SLA sweep) from running
            log.exception("scheduled report %s failed", row.id)
    return sent


def _send(row: ScheduledReport, folder: Path, now: dt.datetime) -> int:
    addresses = [a for a in row.recipients.split("\n") if a]
    people = {u.email.lower(): u for u in User.select().where(User.active & User.email.is_null(False))
              if u.email}
    kind = REPORTS.get(row.report)
    if kind is None:
        raise ValueError(f"unknown report {row.report!r}")
    built: dict[str, tuple[str, Path]] = {}  # per language: a Russian and an English file at most
    folder.mkdir(parents=True, exist_ok=True)
    with outbox.changes():
        for address in addresses:
            user = people.get(address.lower())
            lang = user.language if user else "ru"
            if lang not in built:
                name, content = kind.build(dict(row.params or {}), lang)
                path = folder / f"report-{row.id}-{now:%Y%m%d%H%M}-{lang}.xlsx"
                path.write_bytes(content)
                built[lang] = (name, path)
            name, path = built[lang]
            payload = {"name": row.name, "attachment": {"path": str(path), "name": name}}
            if user is not None:
                outbox.notify([user], "scheduled_report", payload, channel="email")
            else:
                outbox.notify_address("email", address, "scheduled_report", payload)
    return len(addresses)

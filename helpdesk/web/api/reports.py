"""JSON API for the reports: the same sections as the panel's page, for the same filters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Literal

from litestar import Request, get
from litestar.params import QueryParameter

from helpdesk.core import catalog, reports
from helpdesk.core.errors import N_, ValidationError
from helpdesk.i18n import gettext
from helpdesk.web.api.common import ERRORS, ApiController, api_actor, utc
from helpdesk.web.api.fields import MAX_ID, Status, TypeCode

Preset = Literal[reports.PRESETS]  # type: ignore[valid-type]


@dataclass
class CartridgesOut:
    id: int  # the branch's or the cartridge model's
    code: str  # branch code or article
    name: str
    ordered: int
    shipped: int


@dataclass
class TypeStatusOut:
    type: str
    by_status: dict[str, int]
    total: int


@dataclass
class LeadTimeOut:
    group: Literal["all", "branch", "type"]
    id: int | None
    name: str
    accepted: int
    accept_median_minutes: int | None  # business minutes (the SLA calendar)
    accept_p90_minutes: int | None
    resolved: int
    resolve_median_minutes: int | None
    resolve_p90_minutes: int | None


@dataclass
class SlaOut:
    branch_id: int | None  # None: all branches together
    name: str
    accept_due: int
    accept_met: int
    accept_percent: float | None
    resolve_due: int
    resolve_met: int
    resolve_percent: float | None


@dataclass
class BreachOut:
    number: str
    branch: str
    type: str
    status: str
    created_at: dt.datetime
    accept_due_at: dt.datetime | None
    accepted_at: dt.datetime | None
    resolve_due_at: dt.datetime | None
    resolved_at: dt.datetime | None


@dataclass
class BucketOut:
    age: str
    count: int


@dataclass
class PrinterOut:
    printer_id: int
    model: str
    inventory_number: str
    branch: str
    requests: int


@dataclass
class MonthOut:
    month: dt.date
    created: int
    resolved: int


@dataclass
class ReportOut:
    first_day: dt.date  # the period: the organisation's days, both included
    last_day: dt.date
    cartridges_by_branch: list[CartridgesOut]
    cartridges_by_model: list[CartridgesOut]
    requests_by_type: list[TypeStatusOut]
    lead_times: list[LeadTimeOut]
    sla: list[SlaOut]
    breaches: list[BreachOut]
    backlog: list[BucketOut]
    printers: list[PrinterOut]
    trend: list[MonthOut]
    heat_map: list[list[int]]  # 7 weekdays (Monday first) x 24 hours, the organisation's time


def _lead(group: Literal["all", "branch", "type"], rows: list[reports.LeadTimeRow]) -> list[LeadTimeOut]:
    return [LeadTimeOut(group, r.key, r.name, r.accept.count, r.accept.median, r.accept.p90, r.resolve.count,
                        r.resolve.median, r.resolve.p90) for r in rows]


def report_out(report: reports.Report) -> ReportOut:
    def cartridges(rows: list[reports.CartridgeRow]) -> list[CartridgesOut]:
        return [CartridgesOut(r.key, r.code, r.name, r.ordered, r.shipped) for r in rows]

    return ReportOut(
        report.filter.period.first, report.filter.period.last, cartridges(report.by_branch),
        cartridges(report.by_model),
        [TypeStatusOut(r.type.code, r.by_status, r.total) for r in report.by_type_status],
        _lead("all", report.lead_overall) + _lead("branch", report.lead_by_branch) + _lead("type", report.lead_by_type),
        [SlaOut(r.key, r.name, r.accept_due, r.accept_met, r.accept_percent, r.resolve_due, r.resolve_met,
                r.resolve_percent) for r in report.sla],
        [BreachOut(t.number, t.branch.name, t.type.code, t.status, utc(t.created_at), utc(t.accept_due_at),
                   utc(t.accepted_at), utc(t.resolve_due_at), utc(t.resolved_at)) for t in report.breaches],
        [BucketOut(gettext(b.label), b.count) for b in report.backlog],
        [PrinterOut(p.printer_id, p.model, p.inventory_number, p.branch, p.repairs) for p in report.printers],
        [MonthOut(m.first, m.created, m.resolved) for m in report.trend], report.heat)


class ReportsController(ApiController):
    path = "/api/v1/reports"
    tags = ["reports"]

    @get("/", sync_to_thread=True, responses=ERRORS,
         summary="Reports for a period: cartridges, requests, lead times, SLA, backlog, printers, trend (staff)")
    def report(
        self, request: Request,
        period: Annotated[Preset, QueryParameter(description="custom takes from and to")] = "month",
        first: Annotated[dt.date | None, QueryParameter(name="from")] = None,
        last: Annotated[dt.date | None, QueryParameter(name="to")] = None,
        branch_id: Annotated[int | None, QueryParameter(name="branch", ge=1, le=MAX_ID)] = None,
        warehouse_id: Annotated[int | None, QueryParameter(name="warehouse", ge=1, le=MAX_ID)] = None,
        type_code: Annotated[TypeCode | None, QueryParameter(name="type")] = None,
        cartridge_id: Annotated[int | None, QueryParameter(name="cartridge", ge=1, le=MAX_ID)] = None,
        status: Annotated[list[Status] | None, QueryParameter(name="status")] = None,
    ) -> ReportOut:
        if type_code is not None and type_code not in catalog.active_types_by_code():
            raise ValidationError(N_("Unknown request type."), field="type")  # as the requests list says
        flt = reports.ReportFilter(reports.period(period, first, last), branch_id=branch_id, warehouse_id=warehouse_id,
                                   type_code=type_code, cartridge_id=cartridge_id, statuses=tuple(status or ()))
        return report_out(reports.full_report(api_actor(request), flt))




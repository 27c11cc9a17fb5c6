"""Reports in the panel: the filters live in the URL (a link shares the view), charts link to the list."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.response import Stream, Template

from helpdesk.core import catalog, lifecycle, reports
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, ValidationError
from helpdesk.core.fields import parse_int
from helpdesk.core.visibility import visible_branches
from helpdesk.db.models import CartridgeModel, Warehouse
from helpdesk.i18n import get_language, gettext
from helpdesk.web import charts
from helpdesk.web.downloads import xlsx_download
from helpdesk.web.panel.requests import OPEN_QUERY


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def report_filter(request: Request) -> tuple[reports.ReportFilter, dict[str, Any], str]:
    """The filter from the query string, the form's values, and an error to show (the month is shown then)."""
    q = request.query_params
    preset = q.get("period") or "month"
    preset = preset if preset in reports.PRESETS else "month"
    error = ""
    try:
        period = reports.period(preset, _date(q.get("from")), _date(q.get("to")))
    except ValidationError as exc:
        error, period = exc.text(get_language()), reports.period("month")
    statuses = tuple(s for s in q.getall("status", []) if s in lifecycle.STATUSES)
    flt = reports.ReportFilter(period, branch_id=parse_int(q.get("branch")), warehouse_id=parse_int(q.get("warehouse")),
                               type_code=q.get("type") or None, cartridge_id=parse_int(q.get("cartridge")),
                               statuses=statuses)
    form = {"period": preset, "from": q.get("from", ""), "to": q.get("to", ""), "branch": q.get("branch", ""),
            "warehouse": q.get("warehouse", ""), "type": q.get("type", ""), "cartridge": q.get("cartridge", ""),
            "status": statuses}
    return flt, form, error


def _query(form: dict[str, Any], **changes: Any) -> str:
    merged = {**form, **changes}
    pairs = [(k, v) for k, v in merged.items() if k != "status" and v not in ("", None)]
    return urlencode(pairs + [("status", s) for s in merged.get("status", ())])


def list_link(flt: reports.ReportFilter, first: dt.date | None = None, last: dt.date | None = None,
              statuses: tuple[str, ...] | None = None, **params: Any) -> str:
    """The requests list showing what a chart bar counts: the same period (the organisation's days),
    branch, type and statuses, archived requests included (reports count them)."""
    pairs: list[tuple[str, Any]] = [("archived", "all")]
    first = first if first is not None else flt.period.first
    last = last if last is not None else flt.period.last
    if first:
        pairs.append(("from", first.isoformat()))
    if last:
        pairs.append(("to", last.isoformat()))
    if flt.branch_id is not None and "branch" not in params:
        pairs.append(("branch", flt.branch_id))
    if flt.type_code and "type" not in params:
        pairs.append(("type", flt.type_code))
    pairs += [(k, v) for k, v in params.items() if v is not None]
    pairs += [("status", s) for s in (statuses if statuses is not None else flt.statuses)]
    return "/requests?" + urlencode(pairs)


def _charts(report: reports.Report, lang: str) -> dict[str, Any]:
    flt = report.filter
    shipped = ("resolved", "closed")
    month_names = [f"{m.first:%m.%y}" for m in report.trend]
    trend_links = [list_link(flt, m.first, reports.month_start(m.first, -1) - dt.timedelta(days=1))
                   for m in report.trend]
    lead = [r for r in report.lead_by_branch if r.resolve.median is not None]
    return {
        "branch_chart": charts.horizontal_bars(
            [(r.name, r.ordered) for r in report.by_branch if r.ordered], gettext("Cartridges ordered by branch"),
            [list_link(flt, branch=r.key, type="cartridges") for r in report.by_branch if r.ordered]),
        "shipped_chart": charts.horizontal_bars(
            [(r.name, r.shipped) for r in report.by_branch if r.shipped], gettext("Cartridges shipped by branch"),
            [list_link(flt, branch=r.key, type="cartridges", statuses=shipped) for r in report.by_branch if r.shipped]),
        "model_chart": charts.horizontal_bars(
            [(r.name, r.ordered) for r in report.by_model if r.ordered], gettext("Cartridges ordered by model"),
            [list_link(flt, type="cartridges") for r in report.by_model if r.ordered]),
        "type_chart": charts.horizontal_bars(
            [(catalog.type_name(r.type, lang), r.total) for r in report.by_type_status],
            gettext("Requests by type"), [list_link(flt, type=r.type.code) for r in report.by_type_status]),
        "lead_chart": charts.horizontal_bars(
            [(r.name, round(r.resolve.median / 60, 1)) for r in lead],
            gettext("Median time to resolve by branch, business hours"),
            [list_link(flt, branch=r.key, statuses=shipped) for r in lead]),
        "backlog_chart": charts.horizontal_bars(
            [(gettext(b.label), b.count) for b in report.backlog], gettext("Open requests by age"),
            [list_link(flt, _local(b.created_from), _local(b.created_to), statuses=lifecycle.OPEN_STATUSES)
             for b in report.backlog]),
        "trend_chart": charts.month_bars(
            [(name, m.created, m.resolved) for name, m in zip(month_names, report.trend, strict=True)],
            gettext("Requests by month"), gettext("new requests"), gettext("resolved requests"), trend_links),
        "heat_chart": charts.heat_map(report.heat, [gettext(d) for d in WEEKDAYS],
                                      gettext("Requests by weekday and hour")),
    }


WEEKDAYS = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))


def _local(moment: dt.datetime | None) -> dt.date | None:
    """The organisation's day of a naive-UTC moment (an age bucket's edge, for the list's date filter)."""
    if moment is None:
        return None
    return reports.local_today(moment)


@get("/reports", sync_to_thread=True)
def report_page(request: Request) -> Template:
    actor = Actor(request.user, "web")
    flt, form, error = report_filter(request)
    report = reports.full_report(actor, flt)
    lang = get_language()
    return Template("reports.html", context={
        "report": report, "form": form, "error": error, "query": lambda **kw: _query(form, **kw),
        "presets": reports.PRESETS, "preset_labels": reports.PRESET_LABELS, "statuses": lifecycle.STATUSES,
        "branches": visible_branches(actor), "types": catalog.active_types(),
        "warehouses": list(Warehouse.select().where(Warehouse.active).order_by(Warehouse.code)) if actor.is_admin else [],
        "cartridges": list(CartridgeModel.select().where(CartridgeModel.active).order_by(CartridgeModel.name)),
        "type_name": lambda t: catalog.type_name(t, lang),
        "type_names": {t.code: catalog.type_name(t, lang) for t in catalog.active_types()}, "hours": lambda m: None if m is None else round(m / 60, 1),
        "list_link": lambda **kw: list_link(flt, **kw), "open_query": OPEN_QUERY,
        **_charts(report, lang),
    })


@get("/reports.xlsx", sync_to_thread=True)
def report_export(request: Request) -> Stream:
    from helpdesk.export.report_book import check_sections, report_name, report_workbook  # openpyxl on demand

    actor = Actor(request.user, "web")
    flt, _, _ = report_filter(request)
    sections = check_sections(request.query_params.getall("section", []))
    lang = get_language()
    content = report_workbook(actor, flt, lang, sections)
    return xlsx_download(lambda out: out.write(content), report_name())


ROUTES = [report_page, report_export]

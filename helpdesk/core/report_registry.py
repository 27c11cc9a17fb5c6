"""Which reports can be emailed on a schedule: a small registry, so new reports plug in by name.

A report builds (file name, bytes) from its parameters in a language: the requests list with filters,
as the panel exports it, or the reports' workbook (cartridges, lead times, SLA...) for the last days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpdesk.core import tickets
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_


@dataclass(frozen=True)
class ReportKind:
    label: str  # N_ text
    build: Callable[[dict[str, Any], str], tuple[str, bytes]]


def _requests(params: dict[str, Any], lang: str) -> tuple[str, bytes]:
    from helpdesk.export.excel import requests_workbook  # openpyxl loads when a report is due, not at start

    days = int(params.get("days") or 0)
    created_from = dt.date.today() - dt.timedelta(days=days) if days else None
    flt = tickets.TicketFilter(statuses=tuple(params.get("statuses") or ()), branch_id=params.get("branch_id"),
                               type_code=params.get("type_code") or None, created_from=created_from,
                               archived=None if params.get("archived") else False)
    return requests_workbook(Actor.system("system"), flt, lang)


def _reports(params: dict[str, Any], lang: str) -> tuple[str, bytes]:
    from helpdesk.core import reports
    from helpdesk.export.excel import export_name
    from helpdesk.export.report_book import report_workbook

    days = int(params.get("days") or 30)
    today = reports.local_today()
    period = reports.period("custom", today - dt.timedelta(days=days), today - dt.timedelta(days=1))
    flt = reports.ReportFilter(period, branch_id=params.get("branch_id"), type_code=params.get("type_code") or None,
                               statuses=tuple(params.get("statuses") or ()))
    return export_name("reports"), report_workbook(Actor.system("system"), flt, lang)


REPORTS: dict[str, ReportKind] = {"requests": ReportKind(N_("Requests list (Excel)"), _requests),
                                  "reports": ReportKind(N_("Reports: cartridges, lead times, SLA (Excel)"), _reports)}


def register(key: str, kind: ReportKind) -> None:
    """Another report becomes available to schedules (the reports module calls this)."""
    REPORTS[key] = kind

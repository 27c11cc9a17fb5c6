"""Working time by a business calendar: deadlines after N working minutes, working minutes between two times.

Pure maths on naive-UTC datetimes, no database: the SLA (core/sla.py), the reports' lead times and the
migration that backfilled them (0018) share it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

UTC = dt.UTC


@dataclass(frozen=True)
class Calendar:
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Moscow"))
    work_days: frozenset[int] = frozenset({1, 2, 3, 4, 5})
    day_start: dt.time = dt.time(9, 0)
    day_end: dt.time = dt.time(18, 0)
    holidays: frozenset[dt.date] = frozenset()
    extra_work_days: frozenset[dt.date] = frozenset()  # weekend days made working days (transfers)

    def is_work_day(self, day: dt.date) -> bool:
        if day in self.extra_work_days:
            return True
        return day.isoweekday() in self.work_days and day not in self.holidays


def add_business_minutes(start: dt.datetime, minutes: int, calendar: Calendar) -> dt.datetime:
    """The naive-UTC moment `minutes` of working time after `start` (naive UTC)."""
    if not (calendar.work_days or calendar.extra_work_days) or calendar.day_end <= calendar.day_start:
        return start + dt.timedelta(minutes=minutes)  # no usable calendar: count wall-clock time
    tz = calendar.timezone
    local = start.replace(tzinfo=UTC).astimezone(tz)
    remaining = dt.timedelta(minutes=minutes)
    for _ in range(3700):  # ten years of days: a bound, never reached with a sane calendar
        day = local.date()
        opens = dt.datetime.combine(day, calendar.day_start, tz)
        closes = dt.datetime.combine(day, calendar.day_end, tz)
        if not calendar.is_work_day(day) or local >= closes:
            local = dt.datetime.combine(day + dt.timedelta(days=1), calendar.day_start, tz)
            continue
        local = max(local, opens)
        available = closes - local
        if remaining <= available:
            return (local + remaining).astimezone(UTC).replace(tzinfo=None)
        remaining -= available
        local = dt.datetime.combine(day + dt.timedelta(days=1), calendar.day_start, tz)
    raise ValueError("business calendar has no working time")


def business_minutes_between(start: dt.datetime, end: dt.datetime, calendar: Calendar) -> int:
    """Whole minutes of working time from `start` to `end` (both naive UTC): the inverse of the above."""
    if end <= start:
        return 0
    if not (calendar.work_days or calendar.extra_work_days) or calendar.day_end <= calendar.day_start:
        return int((end - start).total_seconds() // 60)
    tz = calendar.timezone
    local, stop = start.replace(tzinfo=UTC).astimezone(tz), end.replace(tzinfo=UTC).astimezone(tz)
    total = dt.timedelta()
    day = local.date()
    while day <= stop.date():
        if calendar.is_work_day(day):
            opens = max(dt.datetime.combine(day, calendar.day_start, tz), local)
            closes = min(dt.datetime.combine(day, calendar.day_end, tz), stop)
            if closes > opens:
                total += closes - opens
        day += dt.timedelta(days=1)
    return int(total.total_seconds() // 60)

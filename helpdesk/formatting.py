"""Dates and numbers as people read them: local time of the organisation's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

_zone = ZoneInfo("Europe/Moscow")


def set_timezone(name: str) -> None:
    global _zone
    _zone = ZoneInfo(name)


def local_time(value: dt.datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
    """Naive UTC from the database, shown in the organisation's time zone."""
    if value is None:
        return "—"
    return value.replace(tzinfo=dt.UTC).astimezone(_zone).strftime(fmt)

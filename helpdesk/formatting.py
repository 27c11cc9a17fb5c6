"""Dates and numbers as people read them: local time of the organisation's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def organisation_zone() -> ZoneInfo:
    """The business calendar's time zone (Settings); cached, so a change shows within seconds."""
    from helpdesk.core.sla import load_calendar

    return load_calendar().timezone


def day(value: dt.date | None) -> str:
    """A calendar day as the panel writes dates everywhere: 07.01.2027."""
    return value.strftime("%d.%m.%Y") if value else "—"


def local_time(value: dt.datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
    """Naive UTC from the database, shown in the organisation's time zone."""
    if value is None:
        return "—"
    return value.replace(tzinfo=dt.UTC).astimezone(organisation_zone()).strftime(fmt)

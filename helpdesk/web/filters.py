"""Jinja filters: local times in the business time zone, labels in the reader's language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from jinja2 import Environment

from helpdesk.core.actors import ROLE_LABELS
from helpdesk.core.lifecycle import STATUS_LABELS
from helpdesk.i18n import gettext

_zone = ZoneInfo("Europe/Moscow")


def set_timezone(name: str) -> None:
    global _zone
    _zone = ZoneInfo(name)


def local_time(value: dt.datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
    """Naive UTC from the database, shown in the organisation's time zone."""
    if value is None:
        return "—"
    return value.replace(tzinfo=dt.UTC).astimezone(_zone).strftime(fmt)


def status_label(status: str) -> str:
    return gettext(STATUS_LABELS.get(status, status))


def role_label(role: str) -> str:
    return gettext(ROLE_LABELS.get(role, role))


def install(env: Environment) -> None:
    env.filters["role_label"] = role_label
    env.filters["local_time"] = local_time
    env.filters["status_label"] = status_label

"""Jinja filters: local times in the business time zone, labels in the reader's language."""

from __future__ import annotations

from jinja2 import Environment

from helpdesk.core.actors import CHANNEL_LABELS, ROLE_LABELS, STAFF_ROLES
from helpdesk.core.audit import ACTION_LABELS
from helpdesk.core.errors import N_
from helpdesk.core.lifecycle import STATUS_LABELS
from helpdesk.core.people import MIN_PASSWORD
from helpdesk.core.tickets import PRIORITY_LABELS
from helpdesk.formatting import day, local_time
from helpdesk.i18n import gettext


def status_label(status: str) -> str:
    return gettext(STATUS_LABELS.get(status, status))


def role_label(role: str) -> str:
    return gettext(ROLE_LABELS.get(role, role))


def priority_label(priority: str) -> str:
    return gettext(PRIORITY_LABELS.get(priority, priority))


def audit_label(action: str) -> str:
    return gettext(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def channel_label(channel: str) -> str:
    return gettext(CHANNEL_LABELS[channel]) if channel in CHANNEL_LABELS else channel


WEEKDAY_LABELS = {1: N_("Mon"), 2: N_("Tue"), 3: N_("Wed"), 4: N_("Thu"), 5: N_("Fri"), 6: N_("Sat"), 7: N_("Sun")}


def weekday_label(day: int) -> str:
    return gettext(WEEKDAY_LABELS[day])


def install(env: Environment) -> None:
    env.globals["min_password"] = MIN_PASSWORD  # the rule's number, shown as text beside password fields
    env.globals["staff_roles"] = STAFF_ROLES  # who the staff pages (reports) are for: the domain's one set
    env.filters["weekday_label"] = weekday_label
    env.filters["audit_label"] = audit_label
    env.filters["channel_label"] = channel_label
    env.filters["priority_label"] = priority_label
    env.filters["role_label"] = role_label
    env.filters["local_time"] = local_time
    env.filters["day"] = day
    env.filters["status_label"] = status_label

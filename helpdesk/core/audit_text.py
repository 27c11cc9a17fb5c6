"""Audit events as people read them: the action, the object and a field-by-field change in their language.

Events keep program keys and raw values (they are evidence); this module turns them into words, once, for
every channel that shows the log.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from helpdesk.core.actors import CHANNEL_LABELS, ROLE_LABELS
from helpdesk.core.audit import ACTION_LABELS
from helpdesk.core.errors import N_
from helpdesk.core.lifecycle import STATUS_LABELS
from helpdesk.db.models import AuditEvent, User
from helpdesk.formatting import day
from helpdesk.i18n import translate

ENTITY_LABELS = {
    "ticket": N_("Request"), "user": N_("User"), "branch": N_("Branch"), "warehouse": N_("Warehouse"),
    "cartridge": N_("Cartridge model"), "printer_model": N_("Printer model"), "printer": N_("Printer"),
    "stock": N_("Stock"), "settings": N_("Settings"), "ticket_type": N_("Request type"),
    "holiday": N_("Holiday"), "invite": N_("Invitation"), "api_token": N_("API token"),
    "import": N_("Import"), "access_request": N_("Access request"),
}
FIELD_LABELS = {
    "status": N_("Status"), "assignee_id": N_("Assignee"), "priority": N_("Priority"),
    "description": N_("Description"), "archived": N_("Archived"), "reject_reason": N_("Reason"),
    "active": N_("Active"), "address": N_("Address"), "body": N_("Text"), "branch": N_("Branch"),
    "code": N_("Code"), "display_name": N_("Full name"), "name": N_("Name"), "file_name": N_("File"),
    "file": N_("File"), "size": N_("Size, bytes"), "internal": N_("Internal note"),
    "inventory_number": N_("Inventory number"), "location": N_("Location"), "max_uses": N_("Uses"),
    "model": N_("Model"), "must_change_password": N_("Must change the password"), "quantity": N_("Quantity"),
    "reason": N_("Reason"), "role": N_("Role"), "type": N_("Type"), "username": N_("Login"),
    "warehouse": N_("Warehouse"), "warehouse_id": N_("Warehouse"), "user_id": N_("User"),
    "cartridges": N_("Cartridges"), "lines": N_("Cartridges"), "created": N_("Created"),
    "updated": N_("Updated"), "unchanged": N_("Unchanged"), "number": N_("Number"), "via": N_("How"),
    "by": N_("How"), "bot_id": N_("Bot"), "org_name": N_("Organisation"), "language": N_("Language"),
    "timezone": N_("Time zone"), "accept": N_("Accept within, minutes"),
    "resolve": N_("Resolve within, minutes"), "escalate": N_("Escalate after, minutes"),
    "work_days": N_("Working days"), "day_start": N_("Day starts"), "day_end": N_("Day ends"),
    "comment_id": N_("Comment"), "printer_id": N_("Printer"),
}
LONG = 120  # a changed description is cut here: the request's own page has it whole


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None  # None: the field had no value before (a creation)
    after: str | None


def _value(key: str, value: Any, lang: str, names: dict[int, str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return translate(N_("yes") if value else N_("no"), lang)
    if key == "status" and value in STATUS_LABELS:
        return translate(STATUS_LABELS[value], lang)
    if key == "role" and value in ROLE_LABELS:
        return translate(ROLE_LABELS[value], lang)
    if key in ("assignee_id", "user_id") and isinstance(value, int):
        return names.get(value, f"#{value}")
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_value(k, v, lang, names)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(key, v, lang, names) for v in value)
    text = str(value)
    return text if len(text) <= LONG else text[:LONG - 1] + "…"


def _user_ids(events: Iterable[AuditEvent]) -> set[int]:
    events = list(events)
    ids = {v for e in events for side in (e.before or {}, e.after or {})
           for k, v in side.items() if k in ("assignee_id", "user_id") and isinstance(v, int)}
    return ids | {int(e.entity_id) for e in events if e.entity == "user" and e.entity_id.isdigit()}


def changes(event: AuditEvent, lang: str, names: dict[int, str] | None = None) -> list[Change]:
    """The event's fields, each with its label and its old and new value as text."""
    before, after, names = event.before or {}, event.after or {}, names or {}
    keys = list(dict.fromkeys([*before, *after]))

    def show(side: dict[str, Any], key: str) -> str | None:
        return _value(key, side[key], lang, names) if key in side else None

    return [Change(translate(FIELD_LABELS.get(k, k.replace("_", " ")), lang), show(before, k), show(after, k))
            for k in keys]


def user_names(events: Iterable[AuditEvent]) -> dict[int, str]:
    """Names of the people the events' values refer to, read in one query."""
    ids = _user_ids(events)
    return {u.id: u.display_name for u in User.select(User.id, User.display_name).where(User.id.in_(ids))} if ids else {}


def action_label(action: str, lang: str) -> str:
    return translate(ACTION_LABELS[action], lang) if action in ACTION_LABELS else action


def entity_label(entity: str, lang: str) -> str:
    return translate(ENTITY_LABELS[entity], lang) if entity in ENTITY_LABELS else entity


def object_text(event: AuditEvent, lang: str, names: dict[int, str]) -> str:
    """"User Anna" rather than "user 1"; other objects by their label and key."""
    key = event.entity_id
    if event.entity == "holiday":
        with suppress(ValueError):
            key = day(dt.date.fromisoformat(key))
    if event.entity == "user" and key.isdigit():
        key = names.get(int(key), f"#{key}")
    return f"{entity_label(event.entity, lang)} {key}".strip()


def channel_label(channel: str, lang: str) -> str:
    return translate(CHANNEL_LABELS[channel], lang) if channel in CHANNEL_LABELS else channel

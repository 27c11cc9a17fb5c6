"""Audit events: who changed what, when, through which channel, before and after."""

from __future__ import annotations

import datetime as dt
from typing import Any

from helpdesk.core import fields
from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import N_
from helpdesk.db import rows
from helpdesk.db.models import AuditEvent, Ticket

# Every action any module records has its label here (tests/core/test_audit_labels.py collects them).
ACTION_LABELS = {
    "create": N_("created"), "accept": N_("accepted"), "start": N_("started work"), "resolve": N_("resolved"),
    "reject": N_("rejected"), "cancel": N_("cancelled"), "confirm": N_("confirmed receipt"),
    "comment": N_("commented"), "note": N_("wrote an internal note"), "assign": N_("assigned"),
    "edit": N_("edited"), "archive": N_("archived"), "attach": N_("attached a file"),
    "settings_save": N_("changed the settings"), "bot_token_set": N_("set the bot token"),
    "bot_token_clear": N_("removed the bot token"), "sla_save": N_("changed the SLA"),
    "calendar_save": N_("changed the business calendar"), "holiday_add": N_("added a holiday"),
    "holiday_remove": N_("removed a holiday"), "smtp_save": N_("changed the email (SMTP) settings"),
    "outbox_retry": N_("sent a failed notification again"),
    "holidays_import": N_("filled in public holidays"), "notify_prefs_save": N_("changed notification choices"),
    "report_schedule_save": N_("saved a scheduled report"), "report_schedule_stop": N_("stopped a scheduled report"),
    "report_schedule_send": N_("sent a scheduled report now"),
    "sessions_end": N_("ended the panel sessions"),
    "password_change": N_("changed a password"), "login_telegram": N_("signed in with Telegram"),
    "user_create": N_("created a user"), "user_update": N_("changed a user"),
    "user_activate": N_("activated a user"), "user_deactivate": N_("deactivated a user"),
    "token_issue": N_("issued an API token"), "token_revoke": N_("revoked an API token"),
    "invite_create": N_("created an invitation"), "invite_revoke": N_("revoked an invitation"),
    "access_approve": N_("approved an access request"), "access_reject": N_("declined an access request"),
    "warehouse_save": N_("saved a warehouse"), "branch_save": N_("saved a branch"),
    "cartridge_save": N_("saved a cartridge model"), "printer_model_save": N_("saved a printer model"),
    "printer_save": N_("saved a printer"), "stock_adjust": N_("adjusted the stock"),
    "bulk_import": N_("imported from a file"),
    "onec_settings_save": N_("changed the 1C connection"), "onec_map": N_("mapped to 1C"),
    "onec_sync": N_("synced stock from 1C"), "stock_import": N_("imported stock from a file"),
    "backup_start": N_("started a backup"), "backup_settings_save": N_("changed the backup settings"),
    "restore": N_("restored a backup"), "unarchive": N_("took out of the archive"),
    "archive_policy_save": N_("changed the archive policy"),
    "database_move": N_("moved the data to PostgreSQL"),
}


def record(actor: Actor, action: str, *, ticket: Ticket | None = None, entity: str = "ticket",
           entity_id: Any = "", before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None) -> AuditEvent:
    """Write one audit event; call inside the transaction of the change it describes."""
    if ticket is not None and not entity_id:
        entity_id = ticket.number
    return rows.insert(AuditEvent, ticket=ticket, actor=actor.user, channel=actor.channel, action=action,
                             entity=entity, entity_id=str(entity_id), before=before, after=after)


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values changed, as (before, after)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def search(actor: Actor, *, action: str = "", actor_id: int | None = None, number: str = "",
           since: dt.date | None = None, until: dt.date | None = None, page: int = 1,
           per_page: int = 50) -> tuple[list[AuditEvent], int]:
    """Audit events for the audit page (administrators only), newest first."""
    require_admin(actor)
    query = AuditEvent.select()
    if action:
        query = query.where(AuditEvent.action == action)
    if actor_id is not None:
        query = query.where(AuditEvent.actor == actor_id)
    number = fields.clean_text(number).strip()
    if number:
        query = query.where(AuditEvent.entity_id == number)
    if since:
        query = query.where(AuditEvent.created_at >= dt.datetime.combine(since, dt.time()))
    if until:
        query = query.where(AuditEvent.created_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    total = query.count()
    return list(query.order_by(AuditEvent.id.desc()).paginate(max(page, 1), per_page)), total

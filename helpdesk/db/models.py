"""The whole domain schema as peewee models (the current shape; migrations hold its history).

Times are naive UTC everywhere; the business calendar's time zone is applied only for SLA maths and
display. JSON columns are text so SQLite and PostgreSQL store them the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import peewee as pw

from helpdesk.db.database import db, is_sqlite


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class JSONText(pw.TextField):
    """JSON kept as text: portable between SQLite and PostgreSQL (and through COPY)."""

    def db_value(self, value: Any) -> str | None:
        return None if value is None else json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)

    def python_value(self, value: Any) -> Any:
        return None if value is None else json.loads(value)


class BaseModel(pw.Model):
    class Meta:
        database = db
        legacy_table_names = False


# Called whenever a reference row (below) is written: the domain's short cache (core/cache.py) forgets
# what it read. Hooked here, at the model, so that no writer can forget to tell it.
_reference_listeners: list[Callable[[], None]] = []


def on_reference_change(callback: Callable[[], None]) -> None:
    if callback not in _reference_listeners:
        _reference_listeners.append(callback)


REFERENCE_CHANNEL = "helpdesk_reference"  # PostgreSQL: other instances listen (reference_events.py)


def reference_changed() -> None:
    reference_changed_elsewhere()
    if db.obj is not None and not is_sqlite():  # delivered when (and if) the writer's transaction commits
        db.execute_sql(f"NOTIFY {REFERENCE_CHANNEL}")


def reference_changed_elsewhere() -> None:
    """Another instance changed a reference row (or this one's change committed): this process's
    listeners forget, nothing is announced again."""
    for callback in _reference_listeners:
        callback()


class ReferenceModel(BaseModel):
    """Rows read on every new request and changed rarely: branches, staff, types, SLA, the calendar.

    Every way peewee writes them (save, create, update, insert, delete, raw SQL excepted) tells the
    listeners; the statement is announced when built, and the cache's own expiry covers a read that
    slips in before the writer commits.
    """

    def save(self, *args: Any, **kwargs: Any) -> Any:
        reference_changed()
        return super().save(*args, **kwargs)

    @classmethod
    def update(cls, *args: Any, **kwargs: Any) -> Any:
        reference_changed()
        return super().update(*args, **kwargs)

    @classmethod
    def insert(cls, *args: Any, **kwargs: Any) -> Any:
        reference_changed()
        return super().insert(*args, **kwargs)

    @classmethod
    def insert_many(cls, *args: Any, **kwargs: Any) -> Any:
        reference_changed()
        return super().insert_many(*args, **kwargs)

    @classmethod
    def insert_from(cls, *args: Any, **kwargs: Any) -> Any:
        reference_changed()
        return super().insert_from(*args, **kwargs)

    @classmethod
    def replace(cls, *args: Any, **kwargs: Any) -> Any:
        reference_changed()
        return super().replace(*args, **kwargs)

    @classmethod
    def replace_many(cls, *args: Any, **kwargs: Any) -> Any:
        reference_changed()
        return super().replace_many(*args, **kwargs)

    @classmethod
    def delete(cls, *args: Any, **kwargs: Any) -> Any:
        reference_changed()
        return super().delete(*args, **kwargs)

    def delete_instance(self, *args: Any, **kwargs: Any) -> Any:
        reference_changed()
        return super().delete_instance(*args, **kwargs)


# --- organisation -----------------------------------------------------------------------------

class Warehouse(ReferenceModel):
    code = pw.CharField(max_length=32, unique=True)
    name = pw.CharField(max_length=200)
    address = pw.CharField(max_length=300, default="")
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=utcnow)
    onec_key = pw.CharField(max_length=100, null=True, index=True)  # its Ref_Key in 1C (migration 0019)


class Branch(ReferenceModel):
    code = pw.CharField(max_length=32, unique=True)
    name = pw.CharField(max_length=200)
    address = pw.CharField(max_length=300, default="")
    warehouse = pw.ForeignKeyField(Warehouse, null=True, backref="branches", on_delete="RESTRICT")
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=utcnow)


class User(ReferenceModel):
    display_name = pw.CharField(max_length=200)
    role = pw.CharField(max_length=16, index=True)  # admin | storekeeper | branch
    branch = pw.ForeignKeyField(Branch, null=True, backref="users", on_delete="RESTRICT")
    warehouse = pw.ForeignKeyField(Warehouse, null=True, backref="storekeepers", on_delete="RESTRICT")
    telegram_id = pw.BigIntegerField(null=True, unique=True)
    telegram_username = pw.CharField(max_length=64, null=True)
    username = pw.CharField(max_length=64, null=True, unique=True)
    password_hash = pw.CharField(max_length=255, null=True)
    must_change_password = pw.BooleanField(default=False)
    email = pw.CharField(max_length=254, null=True)
    language = pw.CharField(max_length=8, default="ru")
    active = pw.BooleanField(default=True)
    last_login_at = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)
    session_version = pw.IntegerField(default=0)  # bumped to end every panel session of the user


class Invite(BaseModel):
    code = pw.CharField(max_length=64, unique=True)
    role = pw.CharField(max_length=16)
    branch = pw.ForeignKeyField(Branch, null=True, on_delete="RESTRICT")
    warehouse = pw.ForeignKeyField(Warehouse, null=True, on_delete="RESTRICT")
    created_by = pw.ForeignKeyField(User, null=True, on_delete="RESTRICT")
    created_at = pw.DateTimeField(default=utcnow)
    expires_at = pw.DateTimeField(null=True)
    max_uses = pw.IntegerField(null=True)  # None: unlimited
    uses = pw.IntegerField(default=0)
    revoked_at = pw.DateTimeField(null=True)


class AccessRequest(BaseModel):
    telegram_id = pw.BigIntegerField(index=True)
    telegram_username = pw.CharField(max_length=64, null=True)
    full_name = pw.CharField(max_length=200, default="")
    language = pw.CharField(max_length=8, default="ru")
    status = pw.CharField(max_length=16, default="pending", index=True)  # pending | approved | rejected
    created_at = pw.DateTimeField(default=utcnow)
    decided_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    decided_at = pw.DateTimeField(null=True)
    user = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")


class ApiToken(BaseModel):
    user = pw.ForeignKeyField(User, backref="api_tokens", on_delete="RESTRICT")
    name = pw.CharField(max_length=100)
    prefix = pw.CharField(max_length=12)
    token_hash = pw.CharField(max_length=64, unique=True)
    created_at = pw.DateTimeField(default=utcnow)
    last_used_at = pw.DateTimeField(null=True)
    revoked_at = pw.DateTimeField(null=True)


class Setting(ReferenceModel):
    key = pw.CharField(max_length=64, primary_key=True)
    value = JSONText(null=True)
    updated_at = pw.DateTimeField(default=utcnow)


# --- catalog and stock -------------------------------------------------------------------------

class CartridgeModel(ReferenceModel):
    name = pw.CharField(max_length=200)
    vendor = pw.CharField(max_length=100, default="")
    article = pw.CharField(max_length=100, default="", index=True)
    onec_key = pw.CharField(max_length=100, null=True, index=True)
    active = pw.BooleanField(default=True)


class PrinterModel(BaseModel):
    name = pw.CharField(max_length=200)
    vendor = pw.CharField(max_length=100, default="")
    active = pw.BooleanField(default=True)


class PrinterModelCartridge(BaseModel):
    printer_model = pw.ForeignKeyField(PrinterModel, backref="cartridge_links", on_delete="CASCADE")
    cartridge = pw.ForeignKeyField(CartridgeModel, backref="printer_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("printer_model", "cartridge"), True),)


class Printer(BaseModel):
    branch = pw.ForeignKeyField(Branch, backref="printers", on_delete="RESTRICT")
    model = pw.ForeignKeyField(PrinterModel, backref="printers", on_delete="RESTRICT")
    inventory_number = pw.CharField(max_length=64, default="")
    location = pw.CharField(max_length=200, default="")
    active = pw.BooleanField(default=True)


class Stock(BaseModel):
    warehouse = pw.ForeignKeyField(Warehouse, backref="stock", on_delete="RESTRICT")
    cartridge = pw.ForeignKeyField(CartridgeModel, backref="stock", on_delete="RESTRICT")
    quantity = pw.IntegerField(default=0)
    source = pw.CharField(max_length=8, default="manual")  # manual | 1c
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("warehouse", "cartridge"), True),)


class OnecItem(BaseModel):
    """1C's nomenclature and warehouses as last read, for mapping and search (migration 0019)."""

    key = pw.CharField(max_length=100, unique=True)
    kind = pw.CharField(max_length=16, default="item", index=True)  # item | warehouse
    name = pw.CharField(max_length=300, default="")
    article = pw.CharField(max_length=100, default="", index=True)
    code = pw.CharField(max_length=100, default="")
    fetched_at = pw.DateTimeField(default=utcnow)


# --- requests ------------------------------------------------------------------------------------

class TicketType(ReferenceModel):
    code = pw.CharField(max_length=32, unique=True)
    name_ru = pw.CharField(max_length=100)
    name_en = pw.CharField(max_length=100)
    kind = pw.CharField(max_length=16, default="generic")  # cartridges | repair | generic
    active = pw.BooleanField(default=True)
    sort = pw.IntegerField(default=100)


class SlaPolicy(ReferenceModel):
    ticket_type = pw.ForeignKeyField(TicketType, unique=True, backref="+", on_delete="RESTRICT")
    accept_minutes = pw.IntegerField(default=60)
    resolve_minutes = pw.IntegerField(default=8 * 60)
    escalate_minutes = pw.IntegerField(default=60)  # after the accept deadline, admins are told


class BusinessCalendar(ReferenceModel):
    timezone = pw.CharField(max_length=64, default="Europe/Moscow")
    work_days = pw.CharField(max_length=20, default="1,2,3,4,5")  # ISO weekdays
    day_start = pw.CharField(max_length=5, default="09:00")
    day_end = pw.CharField(max_length=5, default="18:00")


class Holiday(ReferenceModel):
    day = pw.DateField(unique=True)
    name = pw.CharField(max_length=100, default="")
    working = pw.BooleanField(default=False)  # a weekend day made a working day (a transfer), migration 0020


class TicketCounter(BaseModel):
    year = pw.IntegerField(primary_key=True)
    last = pw.IntegerField(default=0)


class Ticket(BaseModel):
    number = pw.CharField(max_length=16, unique=True)
    # type, branch, warehouse, created_at and archived lead wider indexes below, which serve them (0030).
    type = pw.ForeignKeyField(TicketType, backref="tickets", on_delete="RESTRICT", index=False)
    branch = pw.ForeignKeyField(Branch, backref="tickets", on_delete="RESTRICT", index=False)
    warehouse = pw.ForeignKeyField(Warehouse, null=True, backref="tickets", on_delete="RESTRICT", index=False)
    # Indexed by (author, archived, status) and (assignee, archived, status) alone (migration 0024).
    author = pw.ForeignKeyField(User, backref="authored", on_delete="RESTRICT", index=False)
    assignee = pw.ForeignKeyField(User, null=True, backref="assigned", on_delete="RESTRICT", index=False)
    priority = pw.CharField(max_length=8, default="normal")
    description = pw.TextField(default="")
    printer = pw.ForeignKeyField(Printer, null=True, backref="tickets", on_delete="RESTRICT")
    asset = pw.CharField(max_length=200, default="")
    status = pw.CharField(max_length=16, default="new", index=True)
    channel = pw.CharField(max_length=16, default="web")
    reject_reason = pw.TextField(default="")
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)
    accepted_at = pw.DateTimeField(null=True)
    started_at = pw.DateTimeField(null=True)
    resolved_at = pw.DateTimeField(null=True)
    closed_at = pw.DateTimeField(null=True)
    rejected_at = pw.DateTimeField(null=True)
    cancelled_at = pw.DateTimeField(null=True)
    accept_due_at = pw.DateTimeField(null=True, index=True)
    resolve_due_at = pw.DateTimeField(null=True, index=True)  # migration 0020
    sla_level = pw.IntegerField(default=0)  # reminders already sent: 1 storekeepers, 2 admins
    resolve_sla_level = pw.IntegerField(default=0)  # the same for the resolve deadline (migration 0020)
    # Business minutes (the SLA calendar) from creation to acceptance and to resolution (migration 0018):
    # stored when the request reaches that state, so reports aggregate numbers instead of calendars.
    accept_minutes = pw.IntegerField(null=True)
    resolve_minutes = pw.IntegerField(null=True)
    archived = pw.BooleanField(default=False)
    archived_at = pw.DateTimeField(null=True)
    unarchived_at = pw.DateTimeField(null=True)  # an admin took it out: automatic archiving waits again (0017)
    # Idempotency (migration 0009): "<channel>:<key>", unique per author; the digest of what came with it.
    client_key = pw.CharField(max_length=100, null=True)
    client_digest = pw.CharField(max_length=64, null=True)

    class Meta:
        # The requests list: visibility scope, archive flag, then its order or status (migration 0006).
        indexes = (
            (("author", "client_key"), True),
            (("branch", "archived", "id"), False), (("warehouse", "archived", "id"), False),
            (("archived", "updated_at"), False), (("type", "created_at", "archived"), False),
            # Reports and the dashboard: a period by creation or resolution, inside a scope (0018); the
            # list's type + period filter from the index alone (0024).
            (("branch", "created_at", "type", "archived"), False),
            (("warehouse", "created_at", "type", "archived"), False),
            (("created_at", "branch", "status"), False), (("resolved_at", "branch"), False),
            (("branch", "resolved_at"), False), (("warehouse", "resolved_at"), False),
            (("archived", "status", "type", "branch"), False),
            # The views' counts (migration 0014): statuses and deadlines read from the index alone; the
            # priority filter's too (0024).
            (("branch", "archived", "status", "accept_due_at", "resolve_due_at", "priority"), False),
            (("warehouse", "archived", "status", "accept_due_at", "resolve_due_at", "priority"), False),
            (("archived", "status", "accept_due_at", "resolve_due_at", "priority"), False),
            (("assignee", "archived", "status"), False), (("author", "archived", "status"), False),
            (("branch", "archived", "updated_at"), False), (("warehouse", "archived", "updated_at"), False),
            # SLA watch, per-day counts and lead-time histograms from the index alone (0022).
            # (archived, status, accept_due_at) is the start of 0014's (archived, status, accept_due_at, resolve_due_at).
            (("archived", "status", "resolve_due_at"), False),
            (("created_at", "archived"), False), (("resolved_at", "archived"), False),
            (("created_at", "branch", "type", "status", "accept_minutes", "resolve_minutes"), False),
            (("created_at", "branch", "status", "accept_due_at", "accepted_at", "resolve_due_at", "resolved_at"), False),
        )


# The list "by status": status, then newest first (Meta.indexes cannot say DESC).
Ticket.add_index(Ticket.archived, Ticket.status, Ticket.id.desc(), name="ticket_archived_status_id")
# Migration 0032 adds "ticket_archived_id", a partial index (archived, id) WHERE archived for the archive newest
# first: inserts (always current) never write it. Its condition is spelled per engine, so it lives there.


def not_archived() -> pw.Expression:
    """Current requests, as `archived = false`: indexes that start with `archived` answer it, where SQLite
    reads `NOT archived` row by row (the newest change of a million requests: 0.3 s instead of one step)."""
    return Ticket.archived == False  # noqa: E712 - a comparison the planner can match to an index


class OrderLine(BaseModel):
    ticket = pw.ForeignKeyField(Ticket, backref="lines", on_delete="RESTRICT")
    cartridge = pw.ForeignKeyField(CartridgeModel, backref="+", on_delete="RESTRICT")
    quantity = pw.IntegerField()

    class Meta:
        # Cartridge sums of a period's requests from the index alone (migration 0022).
        indexes = ((("ticket", "cartridge", "quantity"), False),)


class Comment(BaseModel):
    ticket = pw.ForeignKeyField(Ticket, backref="comments", on_delete="RESTRICT")
    author = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    body = pw.TextField()
    internal = pw.BooleanField(default=False)
    channel = pw.CharField(max_length=16, default="web")
    created_at = pw.DateTimeField(default=utcnow)
    client_key = pw.CharField(max_length=100, null=True)  # idempotency, unique per author (0009)

    class Meta:
        indexes = ((("author", "client_key"), True),)


class Attachment(BaseModel):
    ticket = pw.ForeignKeyField(Ticket, backref="attachments", on_delete="RESTRICT")
    comment = pw.ForeignKeyField(Comment, null=True, backref="attachments", on_delete="RESTRICT")
    uploaded_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    file_name = pw.CharField(max_length=255)
    content_type = pw.CharField(max_length=100, default="application/octet-stream")
    size = pw.IntegerField(default=0)
    storage_path = pw.CharField(max_length=500)
    telegram_file_id = pw.CharField(max_length=255, null=True)
    created_at = pw.DateTimeField(default=utcnow)


class StockMovement(BaseModel):
    warehouse = pw.ForeignKeyField(Warehouse, backref="+", on_delete="RESTRICT")
    cartridge = pw.ForeignKeyField(CartridgeModel, backref="+", on_delete="RESTRICT")
    delta = pw.IntegerField()
    reason = pw.CharField(max_length=300, default="")
    ticket = pw.ForeignKeyField(Ticket, null=True, backref="+", on_delete="RESTRICT")
    user = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_at = pw.DateTimeField(default=utcnow)


class AuditEvent(BaseModel):
    ticket = pw.ForeignKeyField(Ticket, null=True, backref="events", on_delete="RESTRICT")
    actor = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    channel = pw.CharField(max_length=16, default="system")  # web | api | bot | miniapp | cli | system
    action = pw.CharField(max_length=32, index=True)
    entity = pw.CharField(max_length=32, default="ticket")
    entity_id = pw.CharField(max_length=64, default="")
    before = JSONText(null=True)
    after = JSONText(null=True)
    created_at = pw.DateTimeField(default=utcnow, index=True)


class OutboxMessage(BaseModel):
    """A notification to deliver, written in the same transaction as the change that caused it."""

    channel = pw.CharField(max_length=16)  # telegram | email
    kind = pw.CharField(max_length=32)
    user = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    ticket = pw.ForeignKeyField(Ticket, null=True, backref="+", on_delete="RESTRICT")
    address = pw.CharField(max_length=254, default="")  # chat id or email address
    payload = JSONText()
    status = pw.CharField(max_length=16, default="pending", index=True)  # pending | sending | sent | failed
    attempts = pw.IntegerField(default=0)
    due_at = pw.DateTimeField(default=utcnow, index=True)
    created_at = pw.DateTimeField(default=utcnow)
    sent_at = pw.DateTimeField(null=True)
    last_error = pw.TextField(default="")
    external_id = pw.CharField(max_length=64, null=True)  # the Telegram message id, to edit it later


class BotState(BaseModel):
    """aiogram FSM state and data, kept in the database so a restart loses no half-filled form."""

    key = pw.CharField(max_length=128, primary_key=True)
    state = pw.CharField(max_length=128, null=True)
    data = JSONText(null=True)
    updated_at = pw.DateTimeField(default=utcnow)


class ProcessedUpdate(BaseModel):
    """Telegram update ids already handled: a redelivered update is dropped."""

    update_id = pw.BigIntegerField(primary_key=True)
    processed_at = pw.DateTimeField(default=utcnow, index=True)


class LoginCode(BaseModel):
    """A one-time code (and link) the bot sends to log in to the panel; stored hashed, short-lived."""

    user = pw.ForeignKeyField(User, backref="+", on_delete="CASCADE")
    code_hash = pw.CharField(max_length=64)
    link_hash = pw.CharField(max_length=64, unique=True)
    created_at = pw.DateTimeField(default=utcnow, index=True)
    expires_at = pw.DateTimeField()
    attempts = pw.IntegerField(default=0)
    used_at = pw.DateTimeField(null=True)
    browser_hash = pw.CharField(max_length=64, null=True)  # the link works only in the browser that asked


class LoginThrottle(BaseModel):
    """Failed logins per client address, or per address and login; in the database so processes share it."""

    key = pw.CharField(max_length=64, unique=True)  # a hash: addresses and typed logins are not kept
    failures = pw.IntegerField(default=0)
    window_start = pw.DateTimeField(default=utcnow, index=True)
    blocked_until = pw.DateTimeField(null=True)


class BackupRun(BaseModel):
    """One backup the program made or tried to make (migration 0017); the panel lists and serves these."""

    slot = pw.CharField(max_length=64, null=True, unique=True)  # "scheduled:YYYY-MM-DD" claims the day
    trigger = pw.CharField(max_length=16, default="manual")  # scheduled | manual | cli
    started_at = pw.DateTimeField(default=utcnow, index=True)
    finished_at = pw.DateTimeField(null=True)
    status = pw.CharField(max_length=16, default="running")  # running | ok | failed
    progress = pw.IntegerField(default=0)  # percent, while running
    kind = pw.CharField(max_length=16, default="")  # daily | monthly | yearly
    file_name = pw.CharField(max_length=200, default="")  # a bare name in the backups folder
    size = pw.BigIntegerField(default=0)
    check_result = pw.CharField(max_length=200, default="")
    error = pw.TextField(default="")  # why it failed, in plain words
    mirror_error = pw.TextField(default="")  # the mirror folder's trouble; the local copy still counts
class NotificationPreference(BaseModel):
    """A person's choice of channel per event, and quiet hours (core/notify_prefs.py)."""

    user = pw.ForeignKeyField(User, unique=True, backref="+", on_delete="RESTRICT")
    channels = JSONText(null=True)  # event -> auto | telegram | email | both | off
    quiet_hours = pw.BooleanField(default=False)
    updated_at = pw.DateTimeField(default=utcnow)


class ScheduledReport(BaseModel):
    """A report emailed on a schedule (core/scheduled_reports.py); `next_run_at` is claimed by compare-and-set."""

    name = pw.CharField(max_length=200)
    report = pw.CharField(max_length=64, default="requests")  # a key of core/report_registry.REPORTS
    params = JSONText(null=True)  # the report's filters
    recipients = pw.TextField(default="")  # email addresses, one per line
    frequency = pw.CharField(max_length=16, default="weekly")  # daily | weekly | monthly
    weekday = pw.IntegerField(default=1)  # ISO weekday, for weekly
    month_day = pw.IntegerField(default=1)  # 1..31 (the month's last day when shorter), for monthly
    at_time = pw.CharField(max_length=5, default="08:00")  # local time in the organisation's zone
    active = pw.BooleanField(default=True)
    next_run_at = pw.DateTimeField(null=True, index=True)
    last_run_at = pw.DateTimeField(null=True)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_at = pw.DateTimeField(default=utcnow)


class ReportDay(BaseModel):
    """Requests per UTC day (of creation, kind 0, or resolution, 1), warehouse (0: none), type and status.

    Written by the database's triggers only (migration 0026), read by the reports (`core/rollup.py`)."""

    kind = pw.SmallIntegerField()
    day = pw.DateField()
    warehouse_id = pw.IntegerField()
    type_id = pw.IntegerField()
    status = pw.CharField(max_length=16)
    n = pw.IntegerField()

    class Meta:
        primary_key = pw.CompositeKey("kind", "day", "warehouse_id", "type_id", "status")


ALL_MODELS: list[type[BaseModel]] = [
    Warehouse, Branch, User, Invite, AccessRequest, ApiToken, Setting,
    CartridgeModel, PrinterModel, PrinterModelCartridge, Printer, Stock, OnecItem,
    TicketType, SlaPolicy, BusinessCalendar, Holiday, TicketCounter, Ticket, OrderLine, Comment,
    Attachment, StockMovement, AuditEvent, OutboxMessage, BotState, ProcessedUpdate, LoginCode, LoginThrottle,
    BackupRun,
    NotificationPreference, ScheduledReport, ReportDay,
]

# Rows of these tables are history: the database itself refuses DELETE on them.
PROTECTED_TABLES: tuple[str, ...] = ("ticket", "order_line", "comment", "attachment", "audit_event")

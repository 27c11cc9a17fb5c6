"""Notifications an admin can steer: per-person choices, the resolve deadline's reminder level,
scheduled reports, and transferred working days in the business calendar."""

import datetime as dt

import peewee as pw


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class User(pw.Model):
    class Meta:
        table_name = "user"


class NotificationPreference(pw.Model):
    user = pw.ForeignKeyField(User, unique=True, backref="+", on_delete="RESTRICT")
    channels = pw.TextField(null=True)
    quiet_hours = pw.BooleanField(default=False)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        legacy_table_names = False


class ScheduledReport(pw.Model):
    name = pw.CharField(max_length=200)
    report = pw.CharField(max_length=64, default="requests")
    params = pw.TextField(null=True)
    recipients = pw.TextField(default="")
    frequency = pw.CharField(max_length=16, default="weekly")
    weekday = pw.IntegerField(default=1)
    month_day = pw.IntegerField(default=1)
    at_time = pw.CharField(max_length=5, default="08:00")
    active = pw.BooleanField(default=True)
    next_run_at = pw.DateTimeField(null=True, index=True)
    last_run_at = pw.DateTimeField(null=True)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="RESTRICT")
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        legacy_table_names = False


def up(migrator, db):
    with db.bind_ctx([User, NotificationPreference, ScheduledReport]):
        db.create_tables([NotificationPreference, ScheduledReport])
    # Plain ALTER TABLE: the migrator would rebuild SQLite's ticket table for NOT NULL, which breaks the
    # search and refuse-delete triggers that name it.
    false = "0" if isinstance(db, pw.SqliteDatabase) else "FALSE"
    db.execute_sql("ALTER TABLE ticket ADD COLUMN resolve_sla_level INTEGER NOT NULL DEFAULT 0")
    db.execute_sql(f"ALTER TABLE holiday ADD COLUMN working BOOLEAN NOT NULL DEFAULT {false}")
    # The SLA sweep finds requests past their resolve deadline by it, as it does with accept_due_at.
    db.execute_sql("CREATE INDEX ticket_resolve_due_at ON ticket (resolve_due_at)")

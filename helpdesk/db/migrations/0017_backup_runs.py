"""Backups made by the program: one row per run (scheduled, from the panel or the CLI), with its result.

`slot` is unique: the scheduled run of a day claims "scheduled:YYYY-MM-DD" by inserting it, so two
workers (or two instances) never make that day's backup twice. The row names the file it made; the
panel offers for download only files named here.

`ticket.unarchived_at`: when an admin took a request out of the archive, so the nightly archiving
leaves it alone for the policy's days again instead of archiving it the very next night.
"""

import datetime as dt

import peewee as pw


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BackupRun(pw.Model):
    slot = pw.CharField(max_length=64, null=True, unique=True)
    trigger = pw.CharField(max_length=16, default="manual")
    started_at = pw.DateTimeField(default=utcnow, index=True)
    finished_at = pw.DateTimeField(null=True)
    status = pw.CharField(max_length=16, default="running")
    progress = pw.IntegerField(default=0)
    kind = pw.CharField(max_length=16, default="")
    file_name = pw.CharField(max_length=200, default="")
    size = pw.BigIntegerField(default=0)
    check_result = pw.CharField(max_length=200, default="")
    error = pw.TextField(default="")
    mirror_error = pw.TextField(default="")

    class Meta:
        legacy_table_names = False


def up(migrator, db):
    with db.bind_ctx([BackupRun]):
        db.create_tables([BackupRun])
    migrator.migrate(migrator.add_column("ticket", "unarchived_at", pw.DateTimeField(null=True)))

"""Bot support: FSM state in the database, processed update ids, idempotency keys, sent message ids."""

import datetime as dt

import peewee as pw


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BotState(pw.Model):
    key = pw.CharField(max_length=128, primary_key=True)
    state = pw.CharField(max_length=128, null=True)
    data = pw.TextField(null=True)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        legacy_table_names = False


class ProcessedUpdate(pw.Model):
    update_id = pw.BigIntegerField(primary_key=True)
    processed_at = pw.DateTimeField(default=utcnow, index=True)

    class Meta:
        legacy_table_names = False


def up(migrator, db):
    with db.bind_ctx([BotState, ProcessedUpdate]):
        db.create_tables([BotState, ProcessedUpdate])
    migrator.migrate(
        migrator.add_column("ticket", "client_key", pw.CharField(max_length=64, null=True)),
        migrator.add_index("ticket", ("client_key",), unique=True),
        migrator.add_column("outbox_message", "external_id", pw.CharField(max_length=64, null=True)),
    )

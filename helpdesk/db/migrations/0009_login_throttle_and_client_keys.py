"""Login throttling by address and account; idempotency keys per author, for requests and comments.

`login_throttle` holds failure counters (keyed by a hash of address or address + login) so several
processes share them. A request's `client_key` was unique across all users, so one user's key could
collide with another's or pre-claim a bot update's key: keys become unique per author and are stored
with their channel in front (`bot:tg:<update_id>`, `api:<Idempotency-Key>`, `web:<form key>`).
`client_digest` remembers what was sent with the key, so the same key with another body is refused.
"""

import datetime as dt

import peewee as pw


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class LoginThrottle(pw.Model):
    key = pw.CharField(max_length=64, unique=True)
    failures = pw.IntegerField(default=0)
    window_start = pw.DateTimeField(default=utcnow, index=True)
    blocked_until = pw.DateTimeField(null=True)

    class Meta:
        legacy_table_names = False


def up(migrator, db):
    with db.bind_ctx([LoginThrottle]):
        db.create_tables([LoginThrottle])
    # Keys written before this migration get their channel in front, as new ones do.
    db.execute_sql("UPDATE ticket SET client_key = channel || ':' || client_key WHERE client_key IS NOT NULL")
    if not isinstance(db, pw.SqliteDatabase):  # SQLite does not enforce a VARCHAR's length
        db.execute_sql("ALTER TABLE ticket ALTER COLUMN client_key TYPE VARCHAR(100)")
    migrator.migrate(
        migrator.drop_index("ticket", "ticket_client_key"),
        migrator.add_index("ticket", ("author_id", "client_key"), unique=True),
        migrator.add_column("ticket", "client_digest", pw.CharField(max_length=64, null=True)),
        migrator.add_column("comment", "client_key", pw.CharField(max_length=100, null=True)),
        migrator.add_index("comment", ("author_id", "client_key"), unique=True),
    )

"""One-time codes and links for logging in to the panel through the Telegram bot."""

import datetime as dt

import peewee as pw


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class User(pw.Model):
    class Meta:
        table_name = "user"


class LoginCode(pw.Model):
    user = pw.ForeignKeyField(User, backref="+", on_delete="CASCADE")
    code_hash = pw.CharField(max_length=64)
    link_hash = pw.CharField(max_length=64, unique=True)
    created_at = pw.DateTimeField(default=utcnow, index=True)
    expires_at = pw.DateTimeField()
    attempts = pw.IntegerField(default=0)
    used_at = pw.DateTimeField(null=True)

    class Meta:
        legacy_table_names = False


def up(migrator, db):
    with db.bind_ctx([User, LoginCode]):
        db.create_tables([LoginCode])

"""Server-side session ends: a per-user session version, and the browser a Telegram login link belongs to.

`user.session_version` is part of every panel session; bumping it (logout, deactivation) ends that user's
sessions in every browser. `login_code.browser_hash` is the hash of a random key kept in the session of
the browser that asked for the code: the link works only there.
"""

import peewee as pw


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("user", "session_version", pw.IntegerField(default=0)),
        migrator.add_column("login_code", "browser_hash", pw.CharField(max_length=64, null=True)),
    )

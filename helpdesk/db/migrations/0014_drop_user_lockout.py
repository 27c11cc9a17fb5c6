"""Drop `user.failed_logins` and `user.locked_until`: login throttling lives in `login_throttle` (0009).

Nothing has read them since: accounts are never locked (core/throttle.py counts failures per address
and per address + login, hashed), so the columns only kept a stale counter that logins reset.
SQLite drops the columns in place (3.35+), PostgreSQL with ALTER TABLE.
"""


def up(migrator, db):
    migrator.migrate(
        migrator.drop_column("user", "failed_logins"),
        migrator.drop_column("user", "locked_until"),
    )

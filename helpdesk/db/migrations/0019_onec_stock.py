"""1C stock sync: warehouses get their 1C key, and 1C's item list is kept for mapping and search.

`onec_item` is a copy of 1C's nomenclature (key, name, article, code) read when an admin refreshes it
or a sync runs, so the mapping page searches it without asking 1C on every keystroke.
"""

import datetime as dt

import peewee as pw


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class OnecItem(pw.Model):
    key = pw.CharField(max_length=100, unique=True)
    kind = pw.CharField(max_length=16, default="item", index=True)  # item | warehouse
    name = pw.CharField(max_length=300, default="")
    article = pw.CharField(max_length=100, default="", index=True)
    code = pw.CharField(max_length=100, default="")
    fetched_at = pw.DateTimeField(default=utcnow)

    class Meta:
        legacy_table_names = False


def up(migrator, db):
    with db.bind_ctx([OnecItem]):
        db.create_tables([OnecItem])
    migrator.migrate(
        migrator.add_column("warehouse", "onec_key", pw.CharField(max_length=100, null=True)),
        migrator.add_index("warehouse", ("onec_key",), unique=False),
    )

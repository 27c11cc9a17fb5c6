"""Five single-column indexes of the requests go: each is the first column of wider ones that serve it.

`ticket_type_id`, `ticket_branch_id`, `ticket_warehouse_id`, `ticket_created_at` and `ticket_archived`
answer nothing that (type_id, created_at, archived), the (branch_id, …) and (warehouse_id, …) indexes,
(created_at, archived) and (archived, updated_at) cannot: a lookup by the first column reads the wider
index in the same order (the foreign keys' checks on PostgreSQL too). Every insert and status change
wrote them all: an insert into the requests with its 37 indexes took ~3.4 ms on SQLite, ~0.9 ms with
none (bench/group_commit.py's profile, README). Dropping is instant; no statistics change for the rest.
"""

FOLDED = ("ticket_type_id", "ticket_branch_id", "ticket_warehouse_id", "ticket_created_at", "ticket_archived")


def up(migrator, db):
    for name in FOLDED:
        db.execute_sql(f'DROP INDEX IF EXISTS "{name}"')

"""The requests list's filters at a million requests, answered from indexes: widened, none added.

- Priority: the (scope, archived, status, deadlines) indexes of 0014 end with the priority, so a priority
  filter's count reads index entries instead of every current request's row (SQLite: 0.2 s for an
  admin's "urgent + high", 0.16 s for a storekeeper's).
- Type and period: (type_id, created_at) and the scopes' (…, created_at) carry the type and the archive
  flag, so the count and the page's ids (tickets.search reads a page's ids before its rows) come from the
  index (SQLite: 0.17 s for an admin's "cartridges, last month", which read and sorted every row).
- `ticket_assignee_id` and `ticket_author_id` go: (assignee_id, archived, status) and (author_id, archived,
  status) of 0014 serve every lookup by person, and SQLite walked the single-column index in id order
  through a person's whole history for "mine" (0.36 s for a storekeeper's "mine + SLA ok", 0.1 s for a
  branch user's). Two indexes fewer for every write.

Each index is rebuilt once (~30 s on SQLite at a million requests); ANALYZE gives the planners the new
indexes' statistics.
"""

DUE = ("accept_due_at", "resolve_due_at")
WIDENED = [
    (("archived", "status", *DUE), ("priority",)),
    (("branch_id", "archived", "status", *DUE), ("priority",)),
    (("warehouse_id", "archived", "status", *DUE), ("priority",)),
    (("type_id", "created_at"), ("archived",)),
    (("branch_id", "created_at"), ("type_id", "archived")),
    (("warehouse_id", "created_at"), ("type_id", "archived")),
]


def up(migrator, db):
    from playhouse.migrate import make_index_name

    operations = [migrator.drop_index("ticket", "ticket_assignee_id"), migrator.drop_index("ticket", "ticket_author_id")]
    for columns, extra in WIDENED:
        operations += [migrator.drop_index("ticket", make_index_name("ticket", columns)),
                       migrator.add_index("ticket", (*columns, *extra))]
    migrator.migrate(*operations)
    db.execute_sql("ANALYZE ticket")

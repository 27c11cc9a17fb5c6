"""Reports and dashboard at a million requests: indexes that answer them without reading requests.

- (archived, status, resolve_due_at): the dashboard's SLA watch counts the open requests past (or near) a
  deadline from the index, where it read every current request (the accept deadline's is the start of
  0014's (archived, status, accept_due_at, resolve_due_at)).
- (created_at, archived) and (resolved_at, archived): requests per day (dashboard) and per month (trend)
  are counted from the index alone.
- (created_at, branch_id, type_id, status, accept_minutes, resolve_minutes): requests by type and status
  and the lead times' histograms of a period (by branch, by type, or all) are read from the index alone.
- (created_at, branch_id, status, accept_due_at, accepted_at, resolve_due_at, resolved_at): SLA
  compliance per branch of a period, from the index alone.
- order_line (ticket_id, cartridge_id, quantity): cartridges ordered and shipped per branch and model
  sum the period's order lines from the index alone.
"""


def up(migrator, db):
    migrator.migrate(
        migrator.add_index("ticket", ("archived", "status", "resolve_due_at")),
        migrator.add_index("ticket", ("created_at", "archived")),
        migrator.add_index("ticket", ("resolved_at", "archived")),
        migrator.add_index("ticket", ("created_at", "branch_id", "type_id", "status", "accept_minutes",
                                      "resolve_minutes")),
        migrator.add_index("ticket", ("created_at", "branch_id", "status", "accept_due_at", "accepted_at",
                                      "resolve_due_at", "resolved_at")),
        migrator.add_index("order_line", ("ticket_id", "cartridge_id", "quantity")),
    )

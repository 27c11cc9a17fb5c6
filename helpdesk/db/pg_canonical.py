"""Every row as the same canonical text on both sides of the move: COPY's text format, with booleans as
t/f, timestamps with six fraction digits and dates as YYYY-MM-DD.

SQLite renders it in SQL (`sqlite_value`), and that text is both what COPY reads and what this process
hashes; PostgreSQL renders what it stored the same way (`pg_value`) and hashes it itself. Equal sums of
the row hashes mean equal tables, whatever the order of their rows.
"""

from __future__ import annotations


def _escaped(expression: str) -> str:
    """COPY text escaping of a text expression (the same SQL on both sides)."""
    return ("replace(replace(replace(replace(" + expression + ", '\\', '\\\\'), char(9), '\\t'), "
            "char(10), '\\n'), char(13), '\\r')")


def _sqlite_escaped(expression: str) -> str:
    # The same escaping, skipped (one scan, no copies) for the many values with nothing to escape.
    return f"CASE WHEN {expression} GLOB '*[' || char(9, 10, 13, 92) || ']*' THEN {_escaped(expression)} " \
           f"ELSE {expression} END"


def sqlite_line(columns: list[tuple[str, str]]) -> str:
    """A row of a table as one COPY text line, rendered by SQLite: format() builds it in one go."""
    values = [sqlite_value(c, t) for c, t in columns]
    if len(values) > 100:  # SQLite's functions take at most 127 arguments
        return " || char(9) || ".join(values)
    return "format('" + "\t".join(["%s"] * len(values)) + "', " + ", ".join(values) + ")"


def sqlite_value(column: str, pg_type: str) -> str:
    c = f'"{column}"'
    if pg_type == "boolean":
        return f"CASE WHEN {c} IS NULL THEN '\\N' WHEN {c} THEN 't' ELSE 'f' END"
    if pg_type.startswith("timestamp"):
        # '2026-01-02 03:04:05' and '2026-01-02T03:04:05.12' both become '2026-01-02 03:04:05.120000'
        return (f"CASE WHEN {c} IS NULL THEN '\\N' WHEN length({c}) = 26 AND substr({c}, 11, 1) = ' ' THEN {c} "
                f"WHEN length({c}) = 19 AND substr({c}, 11, 1) = ' ' THEN {c} || '.000000' "
                f"ELSE replace(substr({c}, 1, 19), 'T', ' ') || '.' || substr(substr({c}, 21) || '000000', 1, 6) END")
    if pg_type == "date":
        return f"coalesce(substr({c}, 1, 10), '\\N')"
    if pg_type in ("integer", "bigint", "smallint"):
        return f"coalesce(CAST({c} AS TEXT), '\\N')"
    return f"coalesce({_sqlite_escaped(f'CAST({c} AS TEXT)')}, '\\N')"


def pg_value(column: str, pg_type: str) -> str:
    c = f'"{column}"'
    if pg_type == "boolean":
        return f"CASE WHEN {c} IS NULL THEN '\\N' WHEN {c} THEN 't' ELSE 'f' END"
    if pg_type.startswith("timestamp"):
        return f"coalesce(to_char({c}, 'YYYY-MM-DD HH24:MI:SS.US'), '\\N')"
    if pg_type == "date":
        return f"coalesce(to_char({c}, 'YYYY-MM-DD'), '\\N')"
    if pg_type in ("integer", "bigint", "smallint"):
        return f"coalesce({c}::text, '\\N')"
    return f"coalesce({_escaped(f'{c}::text')}, '\\N')".replace("char(", "chr(")

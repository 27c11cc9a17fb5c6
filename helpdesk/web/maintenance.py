"""While the database moves, every change over the web (panel, API, Mini App) is answered 503 + Retry-After.

Reading stays open: the data is all there, only a change could be left behind on the old database.
"""

from __future__ import annotations

from litestar import Request

from helpdesk.core import maintenance

READING = frozenset({"GET", "HEAD", "OPTIONS"})


async def refuse_changes_during_move(request: Request) -> None:
    if request.method not in READING:
        maintenance.refuse_writes()

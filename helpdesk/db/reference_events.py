"""Instances sharing a PostgreSQL database hear of each other's reference changes at once.

On PostgreSQL every peewee write to a reference table (models.ReferenceModel: users, branches, types,
settings...) also sends a NOTIFY in the writer's transaction, the CLI's too; PostgreSQL delivers it to
every listening session when, and only if, that transaction commits. Each instance listens on a
connection of its own, in a thread, and on each notice its caches forget (reference_changed_elsewhere):
a user blocked on one instance is refused by the other's bot on the next update, not after a cache's
lifetime. An instance hears its own notices too: a second emptying after the commit, where the first came
with the statement, before it.
"""

from __future__ import annotations

import logging
import threading

from helpdesk.db.models import REFERENCE_CHANNEL as CHANNEL
from helpdesk.db.models import reference_changed_elsewhere

log = logging.getLogger(__name__)
CONNECT_OPTIONS = {"autocommit": True, "connect_timeout": 5, "application_name": "helpdesk-reference-events",
                   "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 2}
WAKE_SECONDS = 1.0  # how often the listening thread looks whether it should stop
RETRY_SECONDS = 2.0


class ReferenceListener:
    """Listens for reference changes committed by any process on the database (PostgreSQL)."""

    def __init__(self, database_url: str) -> None:
        self.url = database_url
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.listening = threading.Event()  # set while a LISTEN session is up (tests wait for it)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="reference-events", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(WAKE_SECONDS + 6)

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self.url, **CONNECT_OPTIONS) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    reference_changed_elsewhere()  # whatever changed while nobody listened
                    self.listening.set()
                    while not self._stop.is_set():
                        for _ in conn.notifies(timeout=WAKE_SECONDS):
                            reference_changed_elsewhere()
            except Exception as exc:  # noqa: BLE001 - the database is away for a moment: listen again soon
                log.warning("reference change notices interrupted (%s: %s)", type(exc).__name__, exc)
            finally:
                self.listening.clear()
                reference_changed_elsewhere()  # deaf for a moment: nothing remembered can be trusted
            self._stop.wait(RETRY_SECONDS)

"""A one-line progress bar for `helpdesk migrate` on the terminal (plain lines when not a terminal)."""

from __future__ import annotations

import time
from typing import TextIO

from helpdesk.db.pg_copy import Progress

PHASES = {"schema": "creating the schema", "index": "building indexes and search",
          "verify": "verifying every table", "done": "done"}


class ProgressBar:
    def __init__(self, stream: TextIO, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.tty = stream.isatty()
        self.last_line = 0.0
        self.phase = ""

    def show(self, progress: Progress) -> None:
        filled = int(self.width * progress.percent / 100)
        what = PHASES.get(progress.phase) or f"{progress.table} {progress.table_done:,}/{progress.table_total:,}"
        eta = f", {progress.eta:.0f} s left" if progress.eta is not None and progress.phase == "copy" else ""
        rate = f", {progress.rate:,.0f} rows/s" if progress.rate else ""
        text = (f"[{'#' * filled}{'.' * (self.width - filled)}] {progress.percent:5.1f}%  "
                f"{progress.done:,}/{progress.total:,} rows{rate}{eta}  {what}")
        if self.tty:
            self.stream.write("\r" + text[:120].ljust(120))
        elif progress.phase != self.phase or time.monotonic() - self.last_line >= 5:
            self.stream.write(text + "\n")  # a log, not a terminal: a line per phase and every 5 s
            self.last_line = time.monotonic()
        self.phase = progress.phase
        self.stream.flush()

    def clear(self) -> None:
        if self.tty:
            self.stream.write("\r" + " " * 120 + "\r")
            self.stream.flush()

"""A first-come, first-served lock: SQLite's writers of this process take turns in arrival order."""

from __future__ import annotations

import threading
from collections import deque


class FifoLock:
    """Handed to the longest waiter on release, so no writer is overtaken again and again."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiters: deque[threading.Event] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._guard:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._guard:
            if turn.is_set():  # handed over just as the wait ended
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        with self._guard:
            if self._waiters:
                self._waiters.popleft().set()  # stays held: ownership passes to the next in line
            else:
                self._held = False

"""The one error hierarchy of the domain. Each edge (web, API, bot, tasks) translates it once.

Messages are English msgids marked with N_ and translated at the edge, in the reader's language.
"""

from __future__ import annotations

from typing import Any

from helpdesk.i18n import N_ as N_  # the one N_, re-exported: domain modules import it from here


class Label(str):
    """A parameter that is itself a msgid (a status name, say): translated along with the message."""


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str, field: str | None = None, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.field = field
        self.params = params

    def text(self, lang: str) -> str:
        """The message in `lang`, with Label parameters translated too."""
        from helpdesk.i18n import translate

        params = {k: translate(v, lang) if isinstance(v, Label) else v for k, v in self.params.items()}
        return translate(self.message, lang, **params)


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    status_code = 409


class InvalidTransition(Conflict):
    pass


class ValidationError(DomainError):
    status_code = 422


class RateLimited(DomainError):
    """Too many attempts from here: wait `retry_after` seconds (the edge sends Retry-After)."""

    status_code = 429

    def __init__(self, message: str, retry_after: int, **params: Any) -> None:
        super().__init__(message, **params)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """Not now, but soon: the edge answers 503 with Retry-After (writes paused while the database moves)."""

    status_code = 503

    def __init__(self, message: str, retry_after: int, **params: Any) -> None:
        super().__init__(message, **params)
        self.retry_after = retry_after

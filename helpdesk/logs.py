"""Logging: console plus a rotating file in the data dir; secrets are masked in every record."""

from __future__ import annotations

import logging
import logging.handlers
import re
from collections.abc import Iterable

from helpdesk.config import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactSecrets(logging.Filter):
    """Replaces known secret values (bot token, passwords) wherever they appear in a record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(*secrets)

    def add(self, *secrets: str) -> None:
        self._secrets.update(s for s in secrets if s and len(s) >= 6)
        values = sorted(self._secrets, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(v) for v in values)) if values else None

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is not None:
            message = record.getMessage()
            if self._pattern.search(message):
                record.msg = self._pattern.sub("***", message)
                record.args = None
        return True


def protect(secret: str) -> None:
    """Mask a secret that became known after start (a bot token saved in the panel)."""
    for handler in logging.getLogger().handlers:
        for found in handler.filters:
            if isinstance(found, RedactSecrets):
                found.add(secret)


def secrets_of(settings: Settings) -> list[str]:
    from urllib.parse import urlsplit

    return [settings.bot_token, settings.smtp.password, settings.onec.password,
            urlsplit(settings.database_url).password or ""]


def setup_logging(settings: Settings | None = None, level: int = logging.INFO) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if settings is not None and settings.logs_dir.is_dir():
        handlers.append(logging.handlers.RotatingFileHandler(settings.logs_dir / "helpdesk.log",
                                                             maxBytes=10_000_000, backupCount=5, encoding="utf-8"))
    redact = RedactSecrets(secrets_of(settings)) if settings is not None else None
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        if redact is not None:
            handler.addFilter(redact)
        root.addHandler(handler)
    root.setLevel(level)
    # Request lines of HTTP clients carry the bot token in the URL: keep them out at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # huey logs every task run at INFO: once a minute is noise in an operator's log.
    logging.getLogger("huey").setLevel(logging.WARNING)

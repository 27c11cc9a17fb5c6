"""What every panel form handler needs: the acting person, numbers from fields, errors next to fields.

Who may open a page is decided by the guards of its route group (helpdesk.web.panel.guards).
"""

from __future__ import annotations

from litestar import Request

from helpdesk.core.actors import Actor
from helpdesk.core.errors import DomainError
from helpdesk.i18n import get_language


def web_actor(request: Request) -> Actor:
    return Actor(request.user, "web")


def field_errors(exc: DomainError, default: str = "form") -> dict[str, str]:
    """A domain error as the template shows it: its field (or `default`) -> the translated text."""
    return {exc.field or default: exc.text(get_language())}

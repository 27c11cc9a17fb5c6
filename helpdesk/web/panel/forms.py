"""What every panel form handler needs: the admin check and errors next to fields."""

from __future__ import annotations

from litestar import Request

from helpdesk.core.actors import Actor, require_admin
from helpdesk.core.errors import DomainError
from helpdesk.i18n import get_language


def admin_actor(request: Request) -> Actor:
    actor = Actor(request.user, "web")
    require_admin(actor)
    return actor


def field_errors(exc: DomainError, default: str = "form") -> dict[str, str]:
    """A domain error as the template shows it: its field (or `default`) -> the translated text."""
    return {exc.field or default: exc.text(get_language())}

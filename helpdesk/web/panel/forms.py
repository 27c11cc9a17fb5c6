"""What every panel form handler needs: the acting person, errors next to fields, post/redirect/get.

Who may open a page is decided by the guards of its route group (helpdesk.web.panel.guards).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.response import Redirect

from helpdesk.core.actors import Actor
from helpdesk.core.errors import DomainError, Forbidden, NotFound
from helpdesk.i18n import get_language


def web_actor(request: Request) -> Actor:
    return Actor(request.user, "web")


def field_errors(exc: DomainError, default: str = "form") -> dict[str, str]:
    """A domain error as the template shows it: its field (or `default`) -> the translated text."""
    return {exc.field or default: exc.text(get_language())}


# --- post/redirect/get ----------------------------------------------------------------------------------
# A refused form answers with a redirect to its page, never with a page at the POST address (a reload
# would post again). What was typed and the errors wait in the (encrypted) session cookie for that page's
# next GET, which shows them once, with the refusal's status so scripts still see the form was refused.

REFUSED = "refused_form"
SECRET_KEYS = ("password", "_csrf_token")  # never kept: the form asks for them again


@dataclass(frozen=True)
class Recalled:
    values: dict[str, Any]
    errors: dict[str, str]
    status: int


# The refused form travels in the session cookie: browsers take ~4 KB per cookie and litestar joins more
# than ten chunks in the wrong order (session-10 before session-2), so what is kept has a budget. The
# longest text the program accepts is 4,000 characters: a value twice that comes back whole enough to trim.
KEPT_VALUE_CHARS = 8_000
KEPT_BYTES = 20_000  # all kept values together, as UTF-8; the largest are dropped first beyond it


def _kept(value: Any) -> Any:
    return [str(v)[:KEPT_VALUE_CHARS] for v in value] if isinstance(value, list) else str(value)[:KEPT_VALUE_CHARS]


def _size(value: Any) -> int:
    return sum(len(v.encode()) for v in value) if isinstance(value, list) else len(value.encode())


def _within_budget(kept: dict[str, Any]) -> dict[str, Any]:
    total = sum(_size(v) for v in kept.values())
    for key in sorted(kept, key=lambda k: _size(kept[k]), reverse=True):
        if total <= KEPT_BYTES:
            break
        total -= _size(kept.pop(key))
    return kept


def refuse(request: Request, exc: DomainError | dict[str, str], values: dict[str, Any], to: str | None = None,
           field: str = "form", status: int = 422) -> Redirect:
    """Send the browser back to the form's page (`to`, else the posted path) with its input and the error.

    Who may not act, or what is not there, is no form mistake: those go on to the error page."""
    if isinstance(exc, (Forbidden, NotFound)):
        raise exc
    errors = exc if isinstance(exc, dict) else field_errors(exc, field)
    target = to or request.url.path
    kept = _within_budget({k: _kept(v) for k, v in values.items() if not any(s in k for s in SECRET_KEYS)})
    path = target.split("?", 1)[0].split("#", 1)[0]
    request.set_session({**(request.session or {}), REFUSED: {"path": path, "values": kept, "errors": errors,
                                                             "status": status}})
    return Redirect(target, status_code=303)


def recall(request: Request) -> Recalled | None:
    """The refused form waiting for this page, taken out of the session (shown once)."""
    session = request.session or {}
    waiting = session.get(REFUSED)
    if not waiting:
        return None
    if waiting.get("path") != request.url.path:
        request.set_session({k: v for k, v in session.items() if k != REFUSED})  # left behind: drop it
        return None
    request.set_session({k: v for k, v in session.items() if k != REFUSED})
    return Recalled(waiting.get("values", {}), waiting.get("errors", {}), int(waiting.get("status", 422)))

"""One error translator for the web edge: JSON under /api/, an HTML page elsewhere. Never a traceback.

`STATUS` is the one mapping from domain errors to HTTP; `HANDLERS` lists one handler per kind of
error (domain, HTTP, anything else); add a handler for a narrower HTTP error there.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Template

from helpdesk.core.errors import (
    N_,
    Conflict,
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    RateLimited,
    Unavailable,
    ValidationError,
)
from helpdesk.i18n import get_language, gettext
from helpdesk.web.auth import identify_unrouted

log = logging.getLogger(__name__)

# Domain error -> HTTP status; the most specific class in an error's MRO decides.
STATUS: dict[type[DomainError], int] = {
    Forbidden: 403, NotFound: 404, Conflict: 409, InvalidTransition: 422, ValidationError: 422, RateLimited: 429,
    Unavailable: 503,
}

TITLES = {
    400: N_("Bad request"), 401: N_("Log in required"), 403: N_("Access denied"), 404: N_("Page not found"),
    405: N_("Method not allowed"), 409: N_("Conflict"), 413: N_("Too large"), 422: N_("Check the data"),
    429: N_("Too many requests"), 500: N_("Something went wrong"), 503: N_("Back in a minute"),
}
# What Litestar's own refusals mean to a person: its English `detail` never reaches the page.
MESSAGES = {
    405: N_("This address does not accept this kind of request. Go back and use the page's buttons."),
    413: N_("What you sent is too large. Send a smaller file or less text."),
    429: N_("Too many requests. Wait a little and try again."),
}


def status_of(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return exc.status_code


def wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/schema", "/miniapp/api/"))


def respond(request: Request, status: int, message: str, code: str, field: str | None = None,
            extra: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Response:
    """The error as the client reads it: a JSON body under the API, the error page for a browser."""
    if wants_json(request):
        body = {"error": code, "message": message}
        if field:
            body["field"] = field
        if extra:
            body.update(extra)
        return Response(body, status_code=status, headers=headers)
    title = gettext(TITLES.get(status, TITLES[500]))
    return Template("error.html", context={"status": status, "title": title, "message": message},
                    status_code=status, headers=headers)


def domain_error(request: Request, exc: DomainError) -> Response:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, (RateLimited, Unavailable)) else None
    return respond(request, status_of(exc), exc.text(get_language()), type(exc).__name__, exc.field,
                   headers=headers)


def _allow(request: Request, exc: HTTPException) -> dict[str, str]:
    """405 must say which methods the address takes (RFC 9110); the router knows, a static route may not."""
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    if "allow" not in headers:
        handler = request.scope.get("route_handler")
        methods = sorted(getattr(handler, "http_methods", None) or ("GET", "HEAD"))
        headers["allow"] = ", ".join(methods)
    return headers


# What msgspec says when a value has the right type but breaks a bound the schema states (length,
# range, pattern, enum): the field's value is refused (422), as the domain refuses it; a wrong type or
# shape stays a malformed request (400).
OUT_OF_BOUNDS = re.compile(r"` (<=|>=|<|>|of length|matching regex)|^Invalid enum value")


def _refused_values(exc: ValidationException) -> list[dict[str, Any]]:
    problems = exc.extra if isinstance(exc.extra, list) else []
    if problems and all(isinstance(p, dict) and OUT_OF_BOUNDS.search(str(p.get("message", ""))) for p in problems):
        return problems
    return []


def _fields(extra: object) -> object:
    """Which fields Litestar refused, with our translated words instead of its English ones."""
    if not isinstance(extra, list):
        return extra
    message = gettext("The value has the wrong type or format.")
    # Only Litestar's own per-field messages (they name a key); ours are translated already.
    return [{**item, "message": message} if isinstance(item, dict) and "key" in item else item
            for item in extra]


def http_error(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if isinstance(exc, ValidationException):
        if wants_json(request):
            if refused := _refused_values(exc):
                return respond(request, 422, gettext("This value is outside the limits the API schema states."),
                               "ValidationError", field=refused[0].get("key"), extra={"detail": _fields(refused)})
            extra = {"detail": _fields(exc.extra)} if exc.extra else None
            return respond(request, 400, gettext("The request has invalid fields."), "ValidationError", extra=extra)
        return respond(request, 422, gettext("The form has invalid fields. Go back, check them and try again."),
                       "ValidationError")
    if isinstance(exc, NotFoundException):
        if "user" not in request.scope:  # the router's own 404: no middleware chose the language
            identify_unrouted(request)
        return respond(request, 404, gettext("There is nothing at this address."), "NotFound")
    if status == 403 and "CSRF" in str(exc.detail):
        return respond(request, 403, gettext("The form has expired. Reload the page and try again."), "CSRF")
    message = gettext(MESSAGES.get(status) or TITLES.get(status, TITLES[500]))
    if status == 405:
        return respond(request, 405, message, "MethodNotAllowed", headers=_allow(request, exc))
    return respond(request, status, message, "TooLarge" if status == 413 else "HTTPError", headers=exc.headers)


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return respond(request, 500, gettext("The error is logged. Try again or tell your administrator."),
                   "InternalError")


HANDLERS: dict[type[Exception], Any] = {DomainError: domain_error, HTTPException: http_error, Exception: server_error}

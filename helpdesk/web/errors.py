"""One error translator for the web edge: JSON under /api/, an HTML page elsewhere. Never a traceback."""

from __future__ import annotations

import logging

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException, ValidationException
from litestar.response import Template

from helpdesk.core.errors import N_, DomainError
from helpdesk.i18n import get_language, gettext

log = logging.getLogger(__name__)

TITLES = {
    400: N_("Bad request"), 401: N_("Log in required"), 403: N_("Access denied"), 404: N_("Page not found"),
    405: N_("Method not allowed"), 409: N_("Conflict"), 413: N_("Too large"), 422: N_("Check the data"),
    429: N_("Too many requests"), 500: N_("Something went wrong"),
}
# What Litestar's own refusals mean to a person: its English `detail` never reaches the page.
MESSAGES = {
    405: N_("This address does not accept this kind of request. Go back and use the page's buttons."),
    413: N_("What you sent is too large. Send a smaller file or less text."),
    429: N_("Too many requests. Wait a little and try again."),
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/schema", "/miniapp/api/"))


def _respond(request: Request, status: int, message: str, code: str, field: str | None = None,
             extra: dict | None = None) -> Response:
    if _wants_json(request):
        body = {"error": code, "message": message}
        if field:
            body["field"] = field
        if extra:
            body.update(extra)
        return Response(body, status_code=status)
    title = gettext(TITLES.get(status, TITLES[500]))
    return Template("error.html", context={"status": status, "title": title, "message": message},
                    status_code=status)


def domain_error(request: Request, exc: DomainError) -> Response:
    return _respond(request, exc.status_code, exc.text(get_language()), type(exc).__name__,
                    exc.field)


def _fields(extra: object) -> object:
    """Which fields Litestar refused, with our translated words instead of its English ones."""
    if not isinstance(extra, list):
        return extra
    message = gettext("The value has the wrong type or format.")
    return [{**item, "message": message} if isinstance(item, dict) and "message" in item else item
            for item in extra]


def http_error(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    if isinstance(exc, ValidationException):
        extra = {"detail": _fields(exc.extra)} if _wants_json(request) and exc.extra else None
        return _respond(request, 400, gettext("The request has invalid fields."), "ValidationError", extra=extra)
    if isinstance(exc, NotFoundException):
        return _respond(request, 404, gettext("There is nothing at this address."), "NotFound")
    if status == 403 and "CSRF" in str(exc.detail):
        return _respond(request, 403, gettext("The form has expired. Reload the page and try again."), "CSRF")
    message = MESSAGES.get(status) or TITLES.get(status, TITLES[500])
    return _respond(request, status, gettext(message), "TooLarge" if status == 413 else "HTTPError")


def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _respond(request, 500, gettext("The error is logged. Try again or tell your administrator."),
                    "InternalError")


HANDLERS = {DomainError: domain_error, HTTPException: http_error, Exception: server_error}

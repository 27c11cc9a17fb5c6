"""What the JSON API controllers share: a base class, the acting user behind a token, the error body."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, overload

from litestar import Controller, Request
from litestar.exceptions import SerializationException, ValidationException
from litestar.openapi.datastructures import ResponseSpec

from helpdesk.core.actors import Actor
from helpdesk.i18n import gettext

MAX_JSON_DEPTH = 32  # our bodies nest 3 levels; msgspec gives up near 1,000 with a RecursionError (a 500)


@dataclass
class ErrorOut:
    """Every API error (see helpdesk.web.errors): a code and a message in the token user's language."""

    error: str  # ValidationError, Forbidden, NotFound, Conflict, unauthorized, ...
    message: str
    field: str | None = None  # the input field at fault, when there is one
    detail: Any = None  # what the request parser found wrong, on 400


# Documented on every operation, so the schema describes the errors the translator really sends.
ERRORS = {
    status: ResponseSpec(ErrorOut, generate_examples=False, description=description)
    for status, description in (
        (400, "The request is malformed: wrong types or missing fields"),
        (401, "No valid bearer token"),
        (403, "The token's user may not do this"),
        (404, "Nothing with this identifier (or not visible to the token's user)"),
        (409, "The change conflicts with the current state"),
        (422, "A field's value is not accepted; `field` names it"),
    )
}


@overload
def utc(value: dt.datetime) -> dt.datetime: ...


@overload
def utc(value: None) -> None: ...


def utc(value: dt.datetime | None) -> dt.datetime | None:
    """The database keeps naive UTC; the API says so, as RFC 3339 date-times must."""
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def _too_deep(value: Any, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:  # a loop, not recursion: the check must not fail the way the parser did
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _too_deep_error() -> ValidationException:
    message = gettext("The JSON is nested too deeply (%(max)s levels at most).", max=MAX_JSON_DEPTH)
    return ValidationException(detail=message, extra=[{"message": message}])


class ApiRequest(Request):
    async def json(self) -> Any:
        # msgspec raises UnicodeDecodeError, not DecodeError, on bytes that are not UTF-8, and Litestar
        # lets that through as a 500; it is the client's mistake, so make it the 400 it is.
        try:
            value = await super().json()
        except UnicodeDecodeError as exc:
            raise SerializationException("The request body is not valid UTF-8.") from exc
        except RecursionError:
            raise _too_deep_error() from None
        if _too_deep(value, MAX_JSON_DEPTH):
            raise _too_deep_error()
        return value


class ApiController(Controller):
    request_class = ApiRequest


def api_actor(request: Request) -> Actor:
    """The token's user, acting through the API channel (audit events say so)."""
    return Actor(request.user, "api")

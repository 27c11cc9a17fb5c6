"""What the JSON API controllers share: a base class, the acting user behind a token, the error body."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, overload

import msgspec
from litestar import Controller, Request
from litestar.exceptions import SerializationException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import ParameterKwarg

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
        _check_strictly(self, value)
        return value


def _integral(value: Any) -> Any:
    """JSON's 30.0 is the integer 30 (JSON Schema agrees); strict msgspec would refuse it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_integral(v) for v in value]
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    return value


def _check_strictly(request: Request, value: Any) -> None:
    """JSON bodies are typed strictly: Litestar converts leniently ("active": 0 would become false)."""
    data = request.route_handler.parsed_fn_signature.parameters.get("data")
    if data is None or not isinstance(data.annotation, type) or not issubclass(data.annotation, msgspec.Struct):
        return
    try:
        msgspec.convert(_integral(value), data.annotation, strict=True)
    except msgspec.ValidationError as exc:
        # "Expected `int` <= 100 - at `$.lines[0].quantity`": the field is the body's top-level key
        message, _, path = str(exc).partition(" - at `$.")
        key = re.split(r"[.\[`]", path, maxsplit=1)[0] if path else None
        raise ValidationException("Validation failed", extra=[
            {"message": message, "key": key, "source": "body"}]) from exc


def _alias(kwarg: Any) -> str | None:
    """The name a parameter has in the query: `Parameter(query=...)` or `QueryParameter(name=...)`."""
    if not isinstance(kwarg, ParameterKwarg):
        return None
    return kwarg.query or getattr(kwarg, "name", None)


def refuse_unknown_query(request: Request) -> None:
    """A query parameter the operation does not take is a client's mistake (a typo filters nothing)."""
    known = {_alias(field.kwarg_definition) or name
             for name, field in request.route_handler.parsed_fn_signature.parameters.items()}
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ValidationException("Validation failed", extra=[
            {"message": "Unknown query parameter", "key": key, "source": "query"} for key in unknown])


class ApiController(Controller):
    request_class = ApiRequest
    before_request = refuse_unknown_query


def api_actor(request: Request) -> Actor:
    """The token's user, acting through the API channel (audit events say so)."""
    return Actor(request.user, "api")

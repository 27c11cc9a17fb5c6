"""The API's input types, built from the domain's own constants: the schema states what the domain checks.

msgspec.Struct input models with `Meta` constraints are validated by msgspec and documented by
Litestar from the same annotation, so a client generated from /schema/openapi.json cannot send what
the domain refuses for its form (enums, lengths, bounds, blank text). What depends on stored data
(does this branch exist? may this person do this?) stays the domain's answer.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import QueryParameter
from litestar.plugins import OpenAPISchemaPlugin
from litestar.typing import FieldDefinition
from msgspec import Meta

from helpdesk.core import catalog, lifecycle, org, people, sla, stock, tickets
from helpdesk.core.actors import ROLES
from helpdesk.core.fields import DB_INT_MAX
from helpdesk.i18n import LANGUAGES

NOT_BLANK = r"\S"  # the domain trims text: a required field must hold more than spaces

Status = Literal[lifecycle.STATUSES]  # type: ignore[valid-type]
Priority = Literal[tickets.PRIORITIES]  # type: ignore[valid-type]
SlaState = Literal[sla.SLA_STATES]  # type: ignore[valid-type]
Action = Literal[tuple(lifecycle.TRANSITIONS)]  # type: ignore[valid-type]
Role = Literal[ROLES]  # type: ignore[valid-type]
Language = Literal[LANGUAGES]  # type: ignore[valid-type]

# Ids stop at JSON's exact integers (2**53 - 1), below the database's range: the schema must not promise
# more than JavaScript clients can send, and Litestar writes bounds as floats.
MAX_ID = min(DB_INT_MAX, 2**53 - 1)
Id = Annotated[int, Meta(ge=1, le=MAX_ID)]
Code = Annotated[str, Meta(min_length=1, max_length=32, pattern=org.CODE_RE.pattern)]  # branch, warehouse
# The same rules for query parameters, where Litestar documents a QueryParameter's bounds (not Meta's).
CodeQuery = Annotated[str | None, QueryParameter(min_length=1, max_length=32, pattern=org.CODE_RE.pattern)]
IdQuery = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
Description = Annotated[str, Meta(max_length=tickets.MAX_TEXT)]
CommentBody = Annotated[str, Meta(min_length=1, max_length=tickets.MAX_TEXT, pattern=NOT_BLANK)]
Reason = Annotated[str, Meta(max_length=lifecycle.MAX_REASON)]
StockReason = Annotated[str, Meta(min_length=1, max_length=stock.MAX_REASON, pattern=NOT_BLANK)]
Quantity = Annotated[int, Meta(ge=1, le=tickets.MAX_QUANTITY)]
StockDelta = Annotated[int, Meta(ge=-stock.MAX_DELTA, le=stock.MAX_DELTA)]
DisplayName = Annotated[str, Meta(min_length=1, max_length=people.MAX_NAME, pattern=NOT_BLANK)]
Username = Annotated[str, Meta(max_length=people.MAX_USERNAME)]
Password = Annotated[str, Meta(min_length=people.MIN_PASSWORD)]
Email = Annotated[str, Meta(max_length=people.MAX_EMAIL)]
TelegramId = Id


class _TypeCodeMarker:
    """Request types are data: their codes are listed when the schema is made, from the database."""


TYPE_CODE = _TypeCodeMarker()
TypeCode = Annotated[str, Meta(min_length=1, max_length=32), TYPE_CODE]


class TypeCodeSchema(OpenAPISchemaPlugin):
    """Documents a TypeCode field as an enum of the active request types' codes."""

    @staticmethod
    def is_plugin_supported_type(value: Any) -> bool:
        return False

    def is_plugin_supported_field(self, field_definition: FieldDefinition) -> bool:
        return any(meta is TYPE_CODE for meta in field_definition.metadata)

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        return Schema(type=OpenAPIType.STRING, enum=[t.code for t in catalog.active_types()])

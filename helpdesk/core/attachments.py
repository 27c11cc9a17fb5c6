"""Files attached to requests: kept in the data dir's uploads folder, listed in the database."""

from __future__ import annotations

import mimetypes
import re
import uuid
from pathlib import Path

from helpdesk.core import audit
from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, Conflict, Forbidden, ValidationError
from helpdesk.core.visibility import can_see, require_active
from helpdesk.db.database import write_transaction
from helpdesk.db.models import Attachment, Ticket

MAX_SIZE = 20 * 1024 * 1024  # what the Bot API lets a bot download
_unsafe = re.compile(r"[^\w.\- ]+", re.UNICODE)


# Raster formats a browser may show in the page, told apart by their first bytes. The stored type and the
# name come from whoever uploaded the file (an SVG or HTML page can carry script), so they never decide.
_RASTER_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"),
                      (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"))
SNIFF_BYTES = 12


def inline_type(head: bytes) -> str | None:
    """The media type to show a file inline with, when its first bytes are PNG, JPEG, GIF or WebP."""
    for signature, kind in _RASTER_SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def safe_name(name: str) -> str:
    cleaned = _unsafe.sub("_", Path(name).name).strip(" .") or "file"
    return cleaned[:120]


def check(content: bytes) -> None:
    """What any file must be to be attached; a form checks it before it creates the request it goes with."""
    if not content:
        raise ValidationError(N_("The file is empty."), field="file")
    if len(content) > MAX_SIZE:
        raise ValidationError(N_("The file is too large (20 MB at most)."), field="file")


def add(actor: Actor, ticket: Ticket, uploads_dir: Path, file_name: str, content: bytes,
        content_type: str | None = None, telegram_file_id: str | None = None) -> Attachment:
    """Store a file for a request the actor may see; the bytes land before the row that lists them."""
    require_active(actor)
    if not can_see(actor, ticket):
        raise Forbidden(N_("You may not do this with request %(number)s."), number=ticket.number)
    if ticket.archived:
        raise Conflict(N_("Request %(number)s is archived and read-only."), number=ticket.number)
    check(content)
    name = safe_name(file_name)
    relative = Path(ticket.number) / f"{uuid.uuid4().hex[:12]}-{name}"
    target = uploads_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)
    kind = content_type or mimetypes.guess_type(name)[0] or "application/octet-stream"
    with write_transaction():
        row = Attachment.create(ticket=ticket, uploaded_by=actor.user, file_name=name, content_type=kind,
                                size=len(content), storage_path=str(relative), telegram_file_id=telegram_file_id)
        audit.record(actor, "attach", ticket=ticket, after={"file_name": name, "size": len(content)})
    return row

"""Attached files: the bytes decide what opens in the browser, never the stored type or the name."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote

import pytest
from litestar.testing import TestClient

from helpdesk.core import attachments, tickets
from helpdesk.db.models import Attachment
from helpdesk.web.downloads import content_disposition
from tests.conftest import Org
from tests.web.conftest import login

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def _attach(client: TestClient, org: Org, name: str, content: bytes, kind: str | None) -> str:
    """What the bot does with a branch user's file; returns the panel address of the file."""
    bob = org.actor("bob", "bot")
    ticket = tickets.create(bob, tickets.TicketDraft(type_code="repair", description="Принтер шумит"))
    uploads: Path = client.app.state.settings.uploads_dir
    row: Attachment = attachments.add(bob, ticket, uploads, name, content, kind)
    return f"/requests/{ticket.number}/files/{row.id}"


@pytest.mark.parametrize(("name", "content", "kind"), [
    ("screenshot.svg", SVG, "image/svg+xml"),
    ("photo.png", SVG, "image/png"),  # a script dressed as a PNG
    ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
    ("notes.txt", b"plain text", None),
])
def test_anything_but_a_raster_image_downloads_in_a_sandbox(client: TestClient, sqlite_org: Org, name: str,
                                                             content: bytes, kind: str | None) -> None:
    url = _attach(client, sqlite_org, name, content, kind)
    login(client, sqlite_org.alice)
    response = client.get(url)
    assert response.status_code == 200 and response.content == content
    assert response.headers["content-type"] == "application/octet-stream"
    assert response.headers["content-disposition"].startswith(f'attachment; filename="{name}"')
    assert response.headers["content-security-policy"] == "sandbox; default-src 'none'"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_raster_image_opens_inline_by_its_bytes(client: TestClient, sqlite_org: Org) -> None:
    url = _attach(client, sqlite_org, "scan.svg", PNG, "image/svg+xml")  # a PNG whatever it claims
    login(client, sqlite_org.alice)
    response = client.get(url)
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"].startswith("inline;")
    assert response.headers["content-security-policy"] == "sandbox; default-src 'none'"
    assert response.headers["x-frame-options"] == "DENY"


def test_signatures_of_the_allowed_types() -> None:
    assert attachments.inline_type(PNG[:12]) == "image/png"
    assert attachments.inline_type(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00") == "image/jpeg"
    assert attachments.inline_type(b"GIF89a\x01\x00") == "image/gif"
    assert attachments.inline_type(b"RIFF\x24\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert attachments.inline_type(b"RIFF\x24\x00\x00\x00WAVEfmt ") is None
    assert attachments.inline_type(b"<svg") is None and attachments.inline_type(b"") is None


def test_cyrillic_names_survive_and_cannot_break_the_header(client: TestClient, sqlite_org: Org) -> None:
    url = _attach(client, sqlite_org, "Акт приёмки.pdf", b"%PDF-1.4 test", "application/pdf")
    login(client, sqlite_org.alice)
    header = client.get(url).headers["content-disposition"]
    assert header == f"attachment; filename=\"file.pdf\"; filename*=UTF-8''{quote('Акт приёмки.pdf')}"
    tricky = content_disposition("attachment", 'a"b;\r\nx.txt')
    assert "\r" not in tricky and "\n" not in tricky and tricky.count('"') == 2


def test_only_those_who_see_the_request_get_its_file(client: TestClient, sqlite_org: Org) -> None:
    url = _attach(client, sqlite_org, "photo.png", PNG, "image/png")
    login(client, sqlite_org.dan)  # another branch, another warehouse
    refused = client.get(url)
    assert refused.status_code in (403, 404) and refused.content != PNG

"""Serving stored files to browsers: whatever an upload claims to be, only raster images open in the page.

An uploaded SVG or HTML file served inline would run its script on the panel's origin (with an admin's
session and CSRF token). So every file is sandboxed and never sniffed; PNG, JPEG, GIF and WebP, checked
by their bytes, are shown inline; everything else downloads as application/octet-stream.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from litestar.response import File, Stream

from helpdesk.core.attachments import SNIFF_BYTES, inline_type

FILE_CSP = "sandbox; default-src 'none'"
_not_ascii_safe = re.compile(r"[^A-Za-z0-9._ -]+")


def content_disposition(kind: str, name: str) -> str:
    """`kind; filename="ascii"; filename*=UTF-8''…` (RFC 6266/5987): Cyrillic names survive, quotes cannot
    break out of the header."""
    stem, dot, ext = name.rpartition(".")
    fallback = _not_ascii_safe.sub("_", stem if dot else name).strip("_ ") or "file"
    if dot:
        fallback += "." + (_not_ascii_safe.sub("", ext) or "bin")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(path: Path, name: str) -> File:
    with path.open("rb") as fh:
        shown_as = inline_type(fh.read(SNIFF_BYTES))
    headers = {
        "content-disposition": content_disposition("inline" if shown_as else "attachment", name),
        "content-security-policy": FILE_CSP,
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-cache",
    }
    return File(path=path, filename=name, media_type=shown_as or "application/octet-stream", headers=headers)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_download(write: Callable[[BinaryIO], None], name: str) -> Stream:
    """A workbook written to an anonymous temporary file, then sent in pieces: a large export never sits
    in memory, and the file is gone once sent (or when the client goes away)."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the generator below
    try:
        write(spool)
    except BaseException:
        spool.close()
        raise
    size = spool.tell()
    spool.seek(0)

    def pieces() -> Iterator[bytes]:
        with spool:
            while piece := spool.read(256 * 1024):
                yield piece

    return Stream(pieces(), media_type=XLSX, headers={"content-disposition": content_disposition("attachment", name),
                                                      "content-length": str(size)})

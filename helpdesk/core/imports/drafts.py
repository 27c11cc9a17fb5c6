"""Previews kept between upload and confirm: a JSON file per draft in the data dir, for one hour.

A draft holds the file's cell text (never the upload's bytes, never pickled objects), is named by a
random token and remembers who made it: another user, or a guessed or stale token, finds nothing.
The data dir is where uploads already live, so instances sharing it (scale-out) share drafts too.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path

from helpdesk.core.actors import Actor
from helpdesk.core.errors import N_, NotFound
from helpdesk.core.imports.service import Preview, restore

TTL_SECONDS = 3600
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def _path(directory: Path, token: str) -> Path:
    if not TOKEN_RE.match(token):
        raise NotFound(N_("This import has expired. Upload the file again."))
    return directory / f"{token}.json"


def save(directory: Path, actor: Actor, preview: Preview, token: str | None = None) -> str:
    """Keep a preview for `actor` (a new draft, or `token`'s draft replaced); returns the token that names it."""
    directory.mkdir(parents=True, exist_ok=True)
    purge(directory)
    token = token or secrets.token_urlsafe(32)
    body = {"user_id": actor.user_id, "created": time.time(), "preview": preview.to_json()}
    temporary = directory / f".{token}.tmp"
    temporary.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    temporary.chmod(0o600)
    os.replace(temporary, _path(directory, token))
    return token


def load(directory: Path, actor: Actor, token: str) -> Preview:
    """The draft checked again against the database as it is now."""
    path = _path(directory, token)
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise NotFound(N_("This import has expired. Upload the file again.")) from None
    if body.get("user_id") != actor.user_id or time.time() - float(body.get("created", 0)) > TTL_SECONDS:
        raise NotFound(N_("This import has expired. Upload the file again."))
    return restore(actor, body["preview"])


def discard(directory: Path, token: str) -> None:
    _path(directory, token).unlink(missing_ok=True)


def purge(directory: Path, now: float | None = None) -> None:
    """Remove drafts past their hour (also ones left by an interrupted upload)."""
    now = now or time.time()
    for path in directory.glob("*"):
        try:
            if now - path.stat().st_mtime > TTL_SECONDS:
                path.unlink(missing_ok=True)
        except OSError:
            continue  # another instance removed it first

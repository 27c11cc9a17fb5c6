"""The backup file: one zip holding the database, the uploaded files, the secret key and a manifest.

The manifest names the program and schema versions the copy was made with, row counts, and the SHA-256
of every member, so a restore can refuse a damaged, foreign or too-new file before it touches anything.
Zip (not tar) so the manifest is read without unpacking the rest, and Windows opens it too.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpdesk.core.errors import N_, ValidationError

FORMAT = "helpdesk-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SECRET_KEY = "secret_key"
UPLOADS = "uploads/"
DATABASE_MEMBERS = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024
# Fast deflate: most of a database compresses well at level 1, and level 6 takes several times longer.
COMPRESS_LEVEL = 1

Progress = Callable[[int], None]  # bytes written so far


@dataclass
class Manifest:
    program_version: str
    schema: list[str]
    engine: str
    created_at: str
    counts: dict[str, int]
    check: str
    files: dict[str, str] = field(default_factory=dict)  # member name -> sha256
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=1, sort_keys=True)


def uploaded_files(uploads_dir: Path) -> list[Path]:
    if not uploads_dir.is_dir():
        return []
    return sorted(p for p in uploads_dir.rglob("*") if p.is_file())


def write(target: Path, manifest: Manifest, database: Path, secret_key: Path, uploads_dir: Path,
          progress: Progress | None = None) -> None:
    """Write the zip at `target` (a new file, private to this user); fills in the manifest's checksums."""
    members: list[tuple[str, Path]] = [(DATABASE_MEMBERS[manifest.engine], database)]
    if secret_key.is_file():
        members.append((SECRET_KEY, secret_key))
    members += [(UPLOADS + p.relative_to(uploads_dir).as_posix(), p) for p in uploaded_files(uploads_dir)]
    done = 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True,
                                                       compresslevel=COMPRESS_LEVEL) as zf:
        for name, path in members:
            digest = hashlib.sha256()
            with path.open("rb") as src, zf.open(name, "w", force_zip64=True) as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    dst.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done)
            manifest.files[name] = digest.hexdigest()
        zf.writestr(MANIFEST, manifest.to_json())


def read_manifest(path: Path) -> Manifest:
    """The manifest of a backup file, or ValidationError saying in plain words why it is not one."""
    try:
        with zipfile.ZipFile(path) as zf:
            raw = zf.read(MANIFEST)
    except FileNotFoundError:
        raise ValidationError(N_("There is no file %(path)s."), path=str(path)) from None
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, zipfile.LargeZipFile, zlib.error):
        raise ValidationError(N_("%(path)s is not a helpdesk backup (or it is cut short)."), path=str(path)) from None
    try:
        data: dict[str, Any] = json.loads(raw)
        if data.get("format") != FORMAT:
            raise ValueError
        return Manifest(**{k: data[k] for k in Manifest.__dataclass_fields__})
    except (ValueError, KeyError, TypeError):
        raise ValidationError(N_("%(path)s is not a helpdesk backup (or it is cut short)."), path=str(path)) from None


def unpack(path: Path, manifest: Manifest, into: Path) -> None:
    """Unpack every member into `into`, checking each against the manifest's SHA-256; refuse on any mismatch."""
    damaged = ValidationError(N_("%(path)s is damaged: its contents do not match its checksums. Nothing was "
                                 "changed; use another backup."), path=str(path))
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if n != MANIFEST]
            if set(names) != set(manifest.files):
                raise damaged
            for name in names:
                target = (into / name).resolve()
                if into.resolve() not in target.parents:  # a name like ../../etc/x
                    raise damaged
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with zf.open(name) as src, target.open("wb") as dst:
                    while chunk := src.read(CHUNK):
                        digest.update(chunk)
                        dst.write(chunk)
                if digest.hexdigest() != manifest.files[name]:
                    raise damaged
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile, zlib.error):
        raise damaged from None

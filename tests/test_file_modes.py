"""The data dir is private to the service user: folders 0700, files 0600, old files tightened too."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpdesk.config import load_settings, prepare_data_dir
from helpdesk.db.database import close_database, init_database
from helpdesk.tasks.queue import create_huey

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def restore_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_old_open_files_are_tightened_and_new_ones_are_born_private(tmp_path: Path, restore_umask: None) -> None:
    data = tmp_path / "data"
    for folder in ("uploads/2026/11", "backups", "logs"):
        (data / folder).mkdir(parents=True)
    old = [data / "archive_policy.json", data / "uploads/2026/11/photo.jpg", data / "backups/helpdesk-1.db",
           data / "logs/helpdesk.log"]
    for path in old:
        path.write_text("x")
        path.chmod(0o644)
    for folder in (data, data / "uploads", data / "uploads/2026", data / "uploads/2026/11"):
        folder.chmod(0o755)
    settings = load_settings({"data_dir": str(data)}, environ={})
    prepare_data_dir(settings)
    init_database(settings.database_url)
    try:
        huey = create_huey(settings)
        huey.pending_count()  # opens the queue file
        (settings.uploads_dir / "new.pdf").write_bytes(b"%PDF")
        made = [data / "helpdesk.db", data / "helpdesk.db-wal", data / "helpdesk.db-shm", data / "queue.db",
                settings.uploads_dir / "new.pdf", data / "secret_key"]
        settings.secret_key  # noqa: B018 - creates the key file
        for path in old + made:
            assert _mode(path) == 0o600, f"{path} is {oct(_mode(path))}"
        for folder in (data, data / "uploads", data / "uploads/2026/11", data / "backups", data / "logs"):
            assert _mode(folder) == 0o700, f"{folder} is {oct(_mode(folder))}"
    finally:
        close_database()

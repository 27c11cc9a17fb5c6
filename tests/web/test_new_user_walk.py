"""What a new user tripped over on the second walk through the panel (issue #10, screenshots of every page)."""

from __future__ import annotations

import re

from litestar.testing import TestClient

from helpdesk.core import tickets
from helpdesk.db.models import User
from tests.conftest import Org
from tests.web.conftest import login


def test_the_reject_reason_says_what_it_is_for(client: TestClient, sqlite_org: Org) -> None:
    # A bare "Причина" stood over the reject button, beside "Выполнить": whose reason, seen by whom?
    made = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Printer jams"))
    login(client, sqlite_org.sam)
    page = client.get(f"/requests/{made.number}").text
    form = re.search(r'<form[^>]*class="stack"[^>]*>.*?</form>', page, re.S)
    assert form and 'value="reject"' in form.group(0)
    assert "Причина отклонения (её увидит автор)" in form.group(0)


def test_the_header_names_a_person_once(client: TestClient, sqlite_org: Org) -> None:
    # The demo's admin is called "Администратор": the header read "Администратор · Администратор".
    User.update(display_name="Администратор").where(User.id == sqlite_org.alice.id).execute()
    login(client, sqlite_org.alice)
    whoami = re.search(r'class="whoami"[^>]*>(.*?)</a>', client.get("/").text).group(1)
    assert whoami == "Администратор"
    login(client, sqlite_org.sam)
    whoami = re.search(r'class="whoami"[^>]*>(.*?)</a>', client.get("/").text).group(1)
    assert whoami == f"{sqlite_org.sam.display_name} · Кладовщик"

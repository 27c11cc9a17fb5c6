"""The audit log reads as sentences in the reader's language: labels, objects by name, field: old → new."""

from __future__ import annotations

import re

from litestar.testing import TestClient

from helpdesk.core import audit, tickets
from helpdesk.core.actors import Actor
from tests.conftest import Org
from tests.web.conftest import login


def test_changes_are_labelled_diffs_not_json(client: TestClient, sqlite_org: Org) -> None:
    ticket = tickets.create(sqlite_org.actor("bob"), tickets.TicketDraft("repair", description="Замятие бумаги"))
    audit.record(sqlite_org.actor("alice"), "user_update", entity="user", entity_id=sqlite_org.bob.id,
                 before={"display_name": "Боб", "role": "branch"}, after={"display_name": "Борис", "role": "admin"})
    audit.record(Actor.system("cli"), "password_change", entity="user", entity_id=sqlite_org.bob.id)
    login(client, sqlite_org.alice)
    page = client.get("/audit").text
    table = page.split('id="audit"')[1]
    assert "\\u" not in table and "{&#34;" not in table and '{"' not in table
    assert "<strong>Имя</strong>: <span class=\"muted\">Боб</span> → Борис" in table
    assert "<strong>Роль</strong>: <span class=\"muted\">Сотрудник филиала</span> → Администратор" in table
    assert "Пользователь Bob" in table and "user " not in table
    for key in ("user_update", "password_change", ">cli<", ">web<"):
        assert key not in table, key
    assert "командная строка" in table and "панель" in table
    assert f'href="/requests/{ticket.number}"' in table
    assert "<strong>Описание</strong>: Замятие бумаги" in table


def test_pager_links_do_not_grow(client: TestClient, sqlite_org: Org) -> None:
    for i in range(120):
        audit.record(sqlite_org.actor("alice"), "holiday_add", entity="holiday", entity_id=f"2026-01-{i:03}")
    login(client, sqlite_org.alice)
    first = client.get("/audit", params={"action": "holiday_add"}).text
    assert 'href="?action=holiday_add&amp;page=2"' in first
    third = client.get("/audit?action=holiday_add&page=2").text
    links = re.findall(r'class="button small" href="\?([^"]*)"', third)
    assert links == ["action=holiday_add&amp;page=1", "action=holiday_add&amp;page=3"], links

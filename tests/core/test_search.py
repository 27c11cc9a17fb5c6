"""Free-text search: words of descriptions, comments, notes (staff only), branches and people; ranked."""

from __future__ import annotations

import pytest

from helpdesk.core import search, tickets
from helpdesk.db.database import db
from helpdesk.db.models import Ticket, User
from tests.conftest import Org


@pytest.fixture
def found(org: Org) -> dict[str, Ticket]:
    bob, carl, dan = org.actor("bob"), org.actor("carl"), org.actor("dan")
    made = {
        "jam": tickets.create(bob, tickets.TicketDraft("it_help", description="Принтер зажёвывает бумагу в бухгалтерии")),
        "scanner": tickets.create(bob, tickets.TicketDraft("it_help", description="Не работает сканер")),
        "hp": tickets.create(carl, tickets.TicketDraft("repair", description="Принтер HP не печатает")),
        "toner": tickets.create(dan, tickets.TicketDraft("it_help", description="Замена картриджа")),
        "mail": tickets.create(bob, tickets.TicketDraft("it_help", description="Mail client does not start")),
    }
    tickets.add_comment(org.actor("sam"), made["scanner"], "Принтер рядом тоже шумит")
    tickets.add_comment(org.actor("sue"), made["toner"], "Секретный код склада", internal=True)
    return made


def _numbers(org: Org, persona: str, text: str) -> list[str]:
    ids = search.ranked(org.actor(persona), text)
    by_id = {t.id: t.number for t in Ticket.select().where(Ticket.id.in_(ids))}
    return [by_id[i] for i in ids]


def _names(found: dict[str, Ticket], numbers: list[str]) -> list[str]:
    names = {t.number: name for name, t in found.items()}
    return [names[n] for n in numbers]


def test_ranked_description_before_comment_any_case(org: Org, found: dict[str, Ticket]) -> None:
    for text in ("принтер", "ПРИНТЕР", "Принтер"):
        assert _names(found, _numbers(org, "alice", text)) == ["hp", "jam", "scanner"], text
    assert _names(found, _numbers(org, "alice", "принтер бухгалтерии")) == ["jam"]  # every word must match
    assert _names(found, _numbers(org, "alice", "ЗАЖЕВЫВАЕТ")) == ["jam"]  # ё typed as е
    assert _numbers(org, "alice", "факс") == [] and _numbers(org, "alice", " ,. ") == []


def test_word_forms_and_prefixes(org: Org, found: dict[str, Ticket]) -> None:
    assert _names(found, _numbers(org, "alice", "бумаги")) == ["jam"]
    assert _names(found, _numbers(org, "alice", "картриджи")) == ["toner"]
    assert _names(found, _numbers(org, "alice", "скан")) == ["scanner"]  # as you type
    assert _names(found, _numbers(org, "alice", "MAIL")) == ["mail"]


def test_branch_user_finds_only_their_branch(org: Org, found: dict[str, Ticket]) -> None:
    assert set(_names(found, _numbers(org, "carl", "принтер"))) == {"hp"}
    assert set(_names(found, _numbers(org, "bob", "принтер"))) == {"jam", "scanner"}
    assert _numbers(org, "dan", "принтер") == []
    assert set(_names(found, _numbers(org, "sam", "принтер"))) == {"jam", "hp", "scanner"}  # W1 serves B1, B2
    assert _numbers(org, "sue", "принтер") == []


def test_internal_notes_are_searched_for_staff_only(org: Org, found: dict[str, Ticket]) -> None:
    assert _names(found, _numbers(org, "alice", "секретный")) == ["toner"]
    assert _names(found, _numbers(org, "sue", "секретный код")) == ["toner"]
    assert _numbers(org, "dan", "секретный") == []  # the author sees the request, not the note
    assert _names(found, _numbers(org, "dan", "замена")) == ["toner"]


def test_branches_and_people_and_their_renames(org: Org, found: dict[str, Ticket]) -> None:
    assert _names(found, _numbers(org, "alice", "carl")) == ["hp"]
    assert _names(found, _numbers(org, "alice", "b3")) == ["toner"]
    assert set(_names(found, _numbers(org, "alice", "branch two"))) == {"hp"}
    tickets.assign(org.actor("sam"), found["jam"], org.sam.id)
    assert _names(found, _numbers(org, "alice", "sam")) == ["jam"]
    User.update(display_name="Самуил Петров").where(User.id == org.sam.id).execute()
    assert _names(found, _numbers(org, "alice", "петров")) == ["jam"] and _numbers(org, "alice", "sam") == []
    User.update(display_name="Карл Кладовщик 1-2").where(User.id == org.carl.id).execute()
    assert _names(found, _numbers(org, "alice", "кладовщик 1-2")) == ["hp"]  # hyphens: words, not minus signs
    tickets.add_comment(org.actor("carl"), found["hp"], "Ждём мастера")
    assert _names(found, _numbers(org, "alice", "мастер")) == ["hp"]


def test_the_list_ranks_and_keeps_its_other_filters(org: Org, found: dict[str, Ticket]) -> None:
    admin = org.actor("alice")
    ranked = tickets.search(admin, tickets.TicketFilter(text="принтер", sort=tickets.RELEVANCE))
    assert ranked.total == 3 and _names(found, [t.number for t in ranked.items])[2] == "scanner"
    newest = tickets.search(admin, tickets.TicketFilter(text="принтер"))
    assert _names(found, [t.number for t in newest.items]) == ["hp", "scanner", "jam"]
    only_b1 = tickets.search(admin, tickets.TicketFilter(text="принтер", branch_id=org.b1.id))
    assert {t.number for t in only_b1.items} == {found["jam"].number, found["scanner"].number}
    Ticket.update(archived=True).where(Ticket.id == found["hp"].id).execute()
    assert tickets.search(admin, tickets.TicketFilter(text="HP")).total == 0
    assert tickets.search(admin, tickets.TicketFilter(text="HP", archived=None)).total == 1  # archive: searchable
    assert tickets.search(admin, tickets.TicketFilter(text="HP", archived=True)).total == 1
    number = found["toner"].number
    assert [t.number for t in tickets.search(org.actor("carl"), tickets.TicketFilter(text=number)).items] == []


def test_rank_is_fields_first_then_newest_and_stops_at_the_limit(org: Org, found: dict[str, Ticket]) -> None:
    newer = tickets.create(org.actor("bob"), tickets.TicketDraft("it_help", description="Заявка"))
    tickets.add_comment(org.actor("bob"), newer, "принтер опять")  # the newest, but only in a comment
    found["newer"] = newer
    assert _names(found, _numbers(org, "alice", "принтер")) == ["hp", "jam", "newer", "scanner"]
    assert [found["hp"].id, found["jam"].id] == search.ranked(org.actor("alice"), "принтер", limit=2)


@pytest.mark.parametrize("max_walk", [1, 20000], ids=["gin-index", "walk-on"])
def test_same_results_past_the_newest_window(org: Org, found: dict[str, Ticket], max_walk: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL walks on past the scope's newest WINDOW requests, or reads older matches from the index."""
    cases = [(p, t) for p in ("alice", "bob", "sam", "sue") for t in ("принтер", "код", "mail", "скан", "факс")]
    expected = {case: _numbers(org, *case) for case in cases}
    monkeypatch.setattr(search, "WINDOW", 1)
    monkeypatch.setattr(search, "MAX_WALK", max_walk)
    assert {case: _numbers(org, *case) for case in cases} == expected
    assert _names(found, _numbers(org, "alice", "принтер")) == ["hp", "jam", "scanner"]
    assert _names(found, _numbers(org, "sue", "код")) == ["toner"]  # a note: staff only, second rank


def _statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The SQL the database runs from now on (PostgreSQL's peewee database object, not the proxy)."""
    real, seen = db.obj, []
    run = real.execute_sql

    def spy(sql: str, params: object = None, *args: object, **kwargs: object) -> object:
        seen.append(sql)
        return run(sql, params, *args, **kwargs)

    monkeypatch.setattr(real, "execute_sql", spy)
    return seen


@pytest.mark.parametrize("rare", [-1, 10**9], ids=["walk", "gin-index-only"])
def test_same_results_whichever_way_postgres_reads(org: Org, found: dict[str, Ticket], rare: int,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A query the planner expects to be rare is read from the GIN index alone; the results are the same."""
    cases = [(p, t) for p in ("alice", "bob", "sam", "sue") for t in ("принтер", "код", "mail", "скан", "факс",
                                                                      found["hp"].number[5:], "b1")]
    expected = {case: _numbers(org, *case) for case in cases}
    monkeypatch.setattr(search, "RARE", rare)
    for window in (1, 5000):
        monkeypatch.setattr(search, "WINDOW", window)
        assert {case: _numbers(org, *case) for case in cases} == expected
    assert _names(found, _numbers(org, "alice", found["hp"].number[5:])) == ["hp"]


@pytest.mark.parametrize("database", ["postgres"], indirect=True)  # PostgreSQL's plan
def test_postgres_walks_the_newest_requests_once_for_both_ranks(org: Org, found: dict[str, Ticket],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "RARE", -1)  # as for a common word: the newest requests are walked
    statements = _statements(monkeypatch)
    assert _names(found, _numbers(org, "alice", "шумит")) == ["scanner"]  # a comment's word: the second rank
    assert sum("recent AS MATERIALIZED" in sql for sql in statements) == 1


@pytest.mark.parametrize("database", ["postgres"], indirect=True)  # PostgreSQL's plan
def test_postgres_reads_a_rare_word_from_the_index_alone(org: Org, found: dict[str, Ticket],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    statements = _statements(monkeypatch)
    assert _names(found, _numbers(org, "bob", "факс")) == []
    assert _names(found, _numbers(org, "bob", found["jam"].number[5:])) == ["jam"]
    assert statements and not any("recent AS MATERIALIZED" in sql for sql in statements)

"""Translations: Russian by default, English available, both catalogs complete."""

from __future__ import annotations

import asyncio
import threading

import jinja2
import pytest

from helpdesk import i18n
from helpdesk.i18n_catalog import missing_translations


def test_both_catalogs_are_complete() -> None:
    assert missing_translations() == {"ru": [], "en": []}


@pytest.mark.parametrize("value, expected", [
    (None, "ru"), ("", "ru"), ("ru", "ru"), ("ru-RU", "ru"), ("en_US", "en"), ("EN", "en"), ("de", "ru"),
    ("de-DE,en;q=0.9,ru;q=0.8", "en"), ("fr, ru;q=0.5", "ru"),
])
def test_normalize_language(value: str | None, expected: str) -> None:
    assert i18n.normalize_language(value) == expected


def test_russian_by_default_and_english_on_request() -> None:
    assert i18n.gettext("Log in") == "Войти"
    with i18n.use_language("en"):
        assert i18n.gettext("Log in") == "Log in"
    assert i18n.translate("Request %(number)s was not found.", "ru", number="2026-000001") == \
        "Заявка 2026-000001 не найдена."


@pytest.mark.parametrize("n, text", [(1, "1 заявка"), (2, "2 заявки"), (5, "5 заявок"), (11, "11 заявок"),
                                     (21, "21 заявка"), (22, "22 заявки")])
def test_russian_plural_forms(n: int, text: str) -> None:
    with i18n.use_language("ru"):
        assert i18n.count_requests(n) == text
    with i18n.use_language("en"):
        assert i18n.count_requests(n) == f"{n} request{'s' if n != 1 else ''}"


def test_language_is_isolated_between_threads_and_tasks() -> None:
    seen: dict[str, str] = {}

    def worker(lang: str) -> None:
        i18n.set_language(lang)
        seen[lang] = i18n.gettext("Log out")

    threads = [threading.Thread(target=worker, args=(lang,)) for lang in ("en", "ru")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"en": "Log out", "ru": "Выйти"}

    async def task(lang: str) -> str:
        i18n.set_language(lang)
        await asyncio.sleep(0.01)
        return i18n.gettext("Log out")

    async def both() -> list[str]:
        return list(await asyncio.gather(task("en"), task("ru")))

    assert asyncio.run(both()) == ["Log out", "Выйти"]


def test_templates_follow_the_current_language() -> None:
    env = jinja2.Environment(autoescape=True)
    i18n.jinja_install(env)
    template = env.from_string('{{ _("Dashboard") }} · {{ _("Request %(number)s was not found.", number=n) }}')
    with i18n.use_language("ru"):
        assert template.render(n="2026-000007") == "Главная · Заявка 2026-000007 не найдена."
    with i18n.use_language("en"):
        assert template.render(n="2026-000007") == "Dashboard · Request 2026-000007 was not found."


def test_no_translated_call_hides_in_an_f_string() -> None:
    """The extractor cannot see inside f-strings (Python 3.11): such a message would never be translated."""
    import re
    from pathlib import Path

    pattern = re.compile(r"""\bf(["']).*\{[^}]*\b(translate|gettext|ngettext|_)\(""")
    package = Path(i18n.__file__).parent
    offenders = [f"{path.relative_to(package)}:{n}" for path in package.rglob("*.py")
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []

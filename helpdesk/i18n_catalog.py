"""Catalog upkeep: `python -m helpdesk.i18n_catalog update|check|fill LANG FILE.json`.

`update` extracts every marked message from the code and templates and merges it into both catalogs
(English msgstr = msgid; Russian keeps its translations, new entries arrive empty). `check` fails when
a message is missing or untranslated, so CI keeps both languages complete. `fill` merges translations
kept as JSON (msgid -> text, a list for plural forms) into one catalog.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po, write_po

from helpdesk.i18n import LANGUAGES, catalog_path

PACKAGE_DIR = Path(__file__).parent
KEYWORDS = {**DEFAULT_KEYWORDS, "translate": None, "N_": None}
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}


def extract() -> Catalog:
    """All messages marked in the package, with their source locations."""
    template = Catalog(project="helpdesk", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PACKAGE_DIR), METHOD_MAP, OPTIONS, KEYWORDS, strip_comment_tags=True):
        if "i18n_catalog" in filename:
            continue
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _read(lang: str) -> Catalog:
    path = catalog_path(lang)
    if not path.is_file():
        return Catalog(locale=lang, project="helpdesk", fuzzy=False)
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def _write(lang: str, catalog: Catalog) -> None:
    path = catalog_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, no_location=True, ignore_obsolete=True, include_previous=False,
                 sort_output=True)


def update() -> None:
    template = extract()
    for lang in LANGUAGES:
        catalog = _read(lang)
        catalog.update(template, no_fuzzy_matching=True)
        for message in catalog:
            if not message.id:
                continue
            message.flags.discard("fuzzy")
            if lang == "en":
                message.string = message.id
        _write(lang, catalog)


def missing_translations() -> dict[str, list[str]]:
    """Per language, the msgids that are absent, empty or fuzzy."""
    wanted = [m for m in extract() if m.id]
    result: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        catalog = _read(lang)
        problems = []
        for message in wanted:
            found = catalog.get(message.id, context=message.context)
            strings = found.string if found is not None else None
            empty = not all(strings) if isinstance(strings, tuple | list) else not strings
            if found is None or empty or found.fuzzy:
                problems.append(message.id if isinstance(message.id, str) else message.id[0])
        result[lang] = problems
    return result


def fill(lang: str, translations: dict[str, str | list[str]]) -> int:
    """Put translations (msgid -> text, or a list of plural forms) into a catalog; returns how many."""
    catalog = _read(lang)
    filled = 0
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0] if message.id else None
        if key and key in translations:
            value = translations[key]
            message.string = tuple(value) if isinstance(value, list) else value
            message.flags.discard("fuzzy")
            filled += 1
    _write(lang, catalog)
    return filled


def main(argv: list[str]) -> int:
    """`update`, `check`, or `fill LANG FILE.json` (a msgid -> translation map)."""
    command = argv[0] if argv else "check"
    if command == "update":
        update()
    elif command == "fill":
        update()
        translations = json.loads(Path(argv[2]).read_text(encoding="utf-8"))
        print(f"{argv[1]}: {fill(argv[1], translations)} translations filled")
    missing = missing_translations()
    for lang, ids in missing.items():
        for msgid in ids:
            print(f"{lang}: missing translation: {msgid!r}")
    return 1 if any(missing.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

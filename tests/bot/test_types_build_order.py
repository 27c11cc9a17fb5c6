"""aiogram's models built leaves first (helpdesk.slow_imports): every model complete, and an update parses to
exactly what aiogram's own build order gives. Each side runs in a fresh interpreter: aiogram builds once."""

from __future__ import annotations

import json
import subprocess
import sys

UPDATE = {
    "update_id": 7,
    "message": {
        "message_id": 3, "date": 1700000000, "chat": {"id": 5, "type": "private", "first_name": "Ann"},
        "from": {"id": 5, "is_bot": False, "first_name": "Ann", "language_code": "ru"},
        "text": "/start 42", "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        "reply_to_message": {"message_id": 2, "date": 1699999999, "chat": {"id": 5, "type": "private"},
                             "photo": [{"file_id": "a", "file_unique_id": "b", "width": 1, "height": 1}]},
        "reply_markup": {"inline_keyboard": [[{"text": "Open", "callback_data": "req:1"}]]},
    },
}

PROBE = """
import json, sys
if sys.argv[1] in ("ordered", "order lost"):
    from helpdesk import slow_imports
    if sys.argv[1] == "order lost":  # as if a new aiogram named its models where this order cannot see them
        slow_imports.leaves_first = lambda namespace: []
    types = slow_imports.import_aiogram_types()
else:
    import aiogram.types as types
incomplete = [n for n in types.__all__ if hasattr(getattr(types, n), "model_rebuild")
              and not getattr(types, n).__pydantic_complete__]
update = types.Update.model_validate(json.loads(sys.argv[2]))
print(json.dumps({"incomplete": incomplete, "update": update.model_dump(mode="json", exclude_none=True),
                  "reply": type(update.message.reply_to_message).__name__}))
"""


def _probe(mode: str) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE, mode, json.dumps(UPDATE)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_models_built_leaves_first_parse_as_aiogram_builds_them() -> None:
    ordered, plain = _probe("ordered"), _probe("plain")
    assert ordered["incomplete"] == []
    assert ordered["reply"] == "Message"
    assert ordered["update"]["message"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "req:1"
    assert ordered == plain


def test_leaves_first_puts_a_models_fields_before_it() -> None:
    import aiogram.types as types

    from helpdesk.slow_imports import leaves_first, types_namespace

    order = leaves_first(types_namespace(types))
    models = [n for n in types.__all__ if hasattr(getattr(types, n), "model_rebuild")]
    assert sorted(order) == sorted(models)
    position = {name: index for index, name in enumerate(order)}
    # leaves before what holds them (Message holds Chat, User, PhotoSize; keyboards hold their buttons)
    for leaf, holder in (("User", "Message"), ("PhotoSize", "Message"), ("InlineKeyboardButton",
                                                                         "InlineKeyboardMarkup"),
                         ("Message", "Update"), ("CallbackQuery", "Update")):
        assert position[leaf] < position[holder], (leaf, holder)


def test_models_the_order_misses_are_still_built() -> None:
    lost, plain = _probe("order lost"), _probe("plain")
    assert lost["incomplete"] == []
    assert lost == plain

"""aiogram's models built when first used (helpdesk.slow_imports): an update parses, and a method with a
keyboard dumps, to exactly what aiogram's own build-everything gives; every model of aiogram still builds
on first use. Each side runs in a fresh interpreter: aiogram builds once."""

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
if sys.argv[1] == "lazy":
    from helpdesk import slow_imports
    types = slow_imports.import_aiogram_types()
else:
    import aiogram.types as types
from aiogram.methods import SendPoll
from aiogram.methods.base import Response
built = sorted(n for n in types.__all__ if hasattr(getattr(types, n), "model_rebuild")
               and getattr(types, n).__pydantic_complete__)
update = types.Update.model_validate(json.loads(sys.argv[2]))
# models no HOT_* list names: built on their first use, in this thread
poll = SendPoll(chat_id=1, question="Q?", options=[types.InputPollOption(text="a"), types.InputPollOption(text="b")],
                reply_markup=types.ReplyKeyboardMarkup(keyboard=[[types.KeyboardButton(text="k")]]))
sent = Response[types.Message].model_validate({"ok": True, "result": json.loads(sys.argv[2])["message"]})
print(json.dumps({"built": built, "update": update.model_dump(mode="json", exclude_none=True),
                  "reply": type(update.message.reply_to_message).__name__,
                  "poll": poll.model_dump(exclude_none=True),  # Default(...) markers: json mode refuses them
                  "sent": sent.result.model_dump(mode="json", exclude_none=True)}, default=repr))
"""

EVERY_MODEL = """
from pydantic import BaseModel
from helpdesk import slow_imports
types = slow_imports.import_aiogram_types()
from aiogram import methods
models = [getattr(module, name) for module in (types, methods) for name in module.__all__]
models = [m for m in models if isinstance(m, type) and issubclass(m, BaseModel)]
def use(model):  # a first use builds it (pydantic's MockValSer); called, as always in the program, from a
    model.__pydantic_validator__.validate_python  # frame deep enough for pydantic's look at its callers
    model.__pydantic_serializer__.to_python
def main():
    for model in models:
        use(model)
main()
incomplete = [m.__name__ for m in models if not m.__pydantic_complete__]
print(len(models), incomplete)
"""


def _probe(mode: str) -> dict:
    result = subprocess.run([sys.executable, "-c", PROBE, mode, json.dumps(UPDATE)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_models_built_on_first_use_parse_and_dump_as_aiogram_builds_them() -> None:
    lazy, plain = _probe("lazy"), _probe("plain")
    assert lazy["reply"] == "Message"
    assert lazy["update"]["message"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "req:1"
    assert lazy["poll"]["reply_markup"] == {"keyboard": [[{"text": "k"}]]}
    assert {key: value for key, value in lazy.items() if key != "built"} == \
        {key: value for key, value in plain.items() if key != "built"}
    # aiogram builds all of them at import; here only what the bot meets on every update
    assert len(plain["built"]) > 300
    assert "Update" in lazy["built"] and "Message" not in lazy["built"] and len(lazy["built"]) < 20


def test_every_aiogram_model_builds_on_first_use() -> None:
    result = subprocess.run([sys.executable, "-c", EVERY_MODEL], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    count, incomplete = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert int(count) > 500
    assert incomplete == "[]"

"""initData as Telegram signs it (core.telegram.org/bots/webapps#validating-data-received-via-the-web-app).

The tests compute the HMAC to make fixtures; the server checks them with aiogram's helper only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

TOKEN = "123456:TEST-TOKEN"


def sign(fields: dict[str, str], token: str = TOKEN) -> str:
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    return urlencode({**fields, "hash": hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()})


def init_data(telegram_id: int, token: str = TOKEN, auth_date: float | None = None, language: str = "ru",
              first_name: str = "Test") -> str:
    user = {"id": telegram_id, "first_name": first_name, "language_code": language}
    return sign({"query_id": "AAE-test", "user": json.dumps(user, separators=(",", ":")),
                 "auth_date": str(int(auth_date if auth_date is not None else time.time()))}, token)


def headers(telegram_id: int, **kw: object) -> dict[str, str]:
    return {"Authorization": f"tma {init_data(telegram_id, **kw)}"}  # type: ignore[arg-type]

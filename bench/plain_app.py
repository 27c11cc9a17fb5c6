"""A plain Litestar JSON endpoint: the baseline the API is measured against."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Litestar, get, post


@dataclass
class Item:
    type: str
    description: str


@post("/items", sync_to_thread=False)
def create_item(data: Item) -> Item:
    return data


@get("/healthz", sync_to_thread=False)
def healthz() -> str:
    return "ok"  # what the bench waits for before loading /items (which takes POST only)


app = Litestar([create_item, healthz], logging_config=None)

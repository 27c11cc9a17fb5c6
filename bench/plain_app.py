"""A plain Litestar JSON endpoint: the baseline the API is measured against."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Litestar, post


@dataclass
class Item:
    type: str
    description: str


@post("/items", sync_to_thread=False)
def create_item(data: Item) -> Item:
    return data


app = Litestar([create_item], logging_config=None)

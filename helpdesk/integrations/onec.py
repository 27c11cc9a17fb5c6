"""A client of 1C:Enterprise's standard OData interface (`…/odata/standard.odata`), over httpx.

Everything is read-only: the published metadata, catalog items and an accumulation register's
`Balance(...)`. Cyrillic entity names are percent-encoded as UTF-8 here (the query too: spaces as %20,
never `+`), and the Basic header is built from UTF-8 since 1C user names are often Cyrillic. Long
`$filter`s are split so that no URL grows past what IIS/Apache accept (they answer 404 beyond it).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from helpdesk.integrations.onec_errors import OneCError, from_response
from helpdesk.integrations.onec_metadata import Metadata, parse

MAX_URL = 1900  # characters; conservative for IIS (2048) and proxies in between
PATH_SAFE = "/_(),='"
QUERY_SAFE = "',()"


@dataclass(frozen=True)
class Connection:
    """Where 1C is and which of its names hold the balances (defaults: 1C:Trade Management 11)."""

    url: str
    user: str = ""
    password: str = ""
    register: str = "ТоварыНаСкладах"
    item_dimension: str = "Номенклатура"
    warehouse_dimension: str = "Склад"
    resource: str = "ВНаличии"
    items_catalog: str = "Номенклатура"
    warehouses_catalog: str = "Склады"
    timeout: float = 20.0
    retries: int = 2  # more tries after the first, for transient failures only
    backoff: float = 0.5  # seconds before the first retry, doubled for each next one
    page_size: int = 5000


# Known layouts of common configurations: register, item/warehouse dimension, resource, warehouse catalog.
PRESETS: dict[str, dict[str, str]] = {
    "ut11": {"register": "ТоварыНаСкладах", "item_dimension": "Номенклатура", "warehouse_dimension": "Склад",
             "resource": "ВНаличии", "warehouses_catalog": "Склады"},
    "unf": {"register": "ЗапасыНаСкладах", "item_dimension": "Номенклатура",
            "warehouse_dimension": "СтруктурнаяЕдиница", "resource": "Количество",
            "warehouses_catalog": "СтруктурныеЕдиницы"},
}


@dataclass(frozen=True)
class Item:
    key: str  # Ref_Key, a GUID
    name: str
    article: str = ""
    code: str = ""


def basic_header(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


def guid(value: str) -> str:
    return f"guid'{value}'"


def string_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class OneCClient:
    """One connection's worth of requests; `requests` counts what was sent (retries included)."""

    def __init__(self, connection: Connection, transport: httpx.BaseTransport | None = None) -> None:
        if not connection.url:
            raise OneCError("config")
        self.connection = connection
        self.base = connection.url.rstrip("/")
        self.requests = 0
        self._http = httpx.Client(timeout=connection.timeout, transport=transport, follow_redirects=False,
                                  headers={"Authorization": basic_header(connection.user, connection.password),
                                           "Accept": "application/json"})

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> OneCClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the wire --------------------------------------------------------------------------------

    def url(self, path: str, params: dict[str, str] | None = None) -> str:
        query = "&".join(f"{name}={quote(value, safe=QUERY_SAFE)}" for name, value in (params or {}).items())
        return f"{self.base}/{quote(path, safe=PATH_SAFE)}" + (f"?{query}" if query else "")

    def _send(self, url: str) -> httpx.Response:
        tries = self.connection.retries + 1
        for attempt in range(tries):
            self.requests += 1
            try:
                response = self._http.get(url)
            except httpx.TimeoutException:
                error = OneCError("timeout", transient=True, seconds=self.connection.timeout)
            except httpx.TransportError as exc:
                error = OneCError("unreachable", transient=True, host=urlsplit(self.base).netloc,
                                  detail=type(exc).__name__)
            else:
                if response.status_code < 400:
                    return response
                error = from_response(response.status_code, _json_or_none(response))
            if not error.transient or attempt == tries - 1:
                raise error
            time.sleep(self.connection.backoff * 2 ** attempt)
        raise AssertionError("unreachable")

    def get_json(self, path: str, params: dict[str, str] | None = None) -> dict[str, Any]:
        response = self._send(self.url(path, {**(params or {}), "$format": "json"}))
        body = _json_or_none(response)
        if not isinstance(body, dict):
            raise OneCError("answer", detail=f"{path}: not JSON")
        return body

    def pages(self, path: str, params: dict[str, str]) -> Iterator[list[dict[str, Any]]]:
        """`value` lists page by page ($top/$skip), until a short page; 1C gives no next link."""
        size = self.connection.page_size
        skip = 0
        while True:
            body = self.get_json(path, {**params, "$top": str(size), "$skip": str(skip)})
            rows = body.get("value")
            if not isinstance(rows, list):
                raise OneCError("answer", detail=f"{path}: no value list")
            yield rows
            if len(rows) < size:
                return
            skip += size

    # --- what 1C knows ---------------------------------------------------------------------------

    def metadata(self) -> Metadata:
        return parse(self._send(self.url("$metadata")).content)

    def count(self, path: str, params: dict[str, str] | None = None) -> int:
        """How many rows match: $inlinecount=allpages with $top=0 (1C sends the count as a string)."""
        body = self.get_json(path, {**(params or {}), "$inlinecount": "allpages", "$top": "0"})
        try:
            return int(body.get("odata.count", ""))
        except ValueError:
            raise OneCError("answer", detail=f"{path}: no odata.count") from None

    def items(self, catalog: str | None = None) -> list[Item]:
        """Catalog elements (not folders, not marked for deletion), by name."""
        path = f"Catalog_{catalog or self.connection.items_catalog}"
        params = {"$select": "Ref_Key,Description,Code,Артикул",
                  "$filter": "IsFolder eq false and DeletionMark eq false", "$orderby": "Description"}
        if catalog and catalog != self.connection.items_catalog:
            params["$select"] = "Ref_Key,Description,Code"
            params["$filter"] = "DeletionMark eq false"
        found = []
        for rows in self.pages(path, params):
            found.extend(Item(str(r.get("Ref_Key", "")), str(r.get("Description", "")), str(r.get("Артикул") or ""),
                              str(r.get("Code") or "").strip()) for r in rows)
        return found

    def warehouses(self) -> list[Item]:
        return self.items(self.connection.warehouses_catalog)

    def key_batches(self, path: str, params: dict[str, str], field: str, keys: list[str]) -> Iterator[list[str]]:
        """`keys` split so that `field eq guid'…' or …` keeps each URL under MAX_URL."""
        room = MAX_URL - len(self.url(path, {**params, "$format": "json", "$top": "99999", "$skip": "99999"}))
        batch: list[str] = []
        used = len(quote("$filter=()", safe=QUERY_SAFE))
        for key in keys:
            cost = len(quote(f" or {field} eq {guid(key)}", safe=QUERY_SAFE))
            if batch and used + cost > room:
                yield batch
                batch, used = [], len(quote("$filter=()", safe=QUERY_SAFE))
            batch.append(key)
            used += cost
        if batch:
            yield batch

    def items_by_key(self, keys: list[str]) -> list[Item]:
        """Catalog items by Ref_Key, in batches (one long $filter would exceed the URL limit)."""
        path = f"Catalog_{self.connection.items_catalog}"
        params = {"$select": "Ref_Key,Description,Code,Артикул"}
        found = []
        for batch in self.key_batches(path, params, "Ref_Key", keys):
            condition = " or ".join(f"Ref_Key eq {guid(k)}" for k in batch)
            for rows in self.pages(path, {**params, "$filter": condition}):
                found.extend(Item(str(r.get("Ref_Key", "")), str(r.get("Description", "")),
                                  str(r.get("Артикул") or ""), str(r.get("Code") or "").strip()) for r in rows)
        return found

    def balance_path(self) -> str:
        c = self.connection
        return f"AccumulationRegister_{c.register}/Balance(Dimensions='{c.item_dimension},{c.warehouse_dimension}')"

    def balances(self, warehouse_keys: list[str]) -> dict[tuple[str, str], float]:
        """The register's balance now: (warehouse key, item key) -> quantity, for the given warehouses.

        Filtered on the result by warehouse (few), not by item (many); `Condition=` is avoided since
        its quoting differs between 1C versions.
        """
        c = self.connection
        path = self.balance_path()
        item_field, warehouse_field = f"{c.item_dimension}_Key", f"{c.warehouse_dimension}_Key"
        resource = f"{c.resource}Balance"
        params = {"$select": f"{item_field},{warehouse_field},{resource}"}
        found: dict[tuple[str, str], float] = {}
        for batch in self.key_batches(path, params, warehouse_field, warehouse_keys):
            condition = " or ".join(f"{warehouse_field} eq {guid(k)}" for k in batch)
            for rows in self.pages(path, {**params, "$filter": condition}):
                for row in rows:
                    key = (str(row.get(warehouse_field, "")), str(row.get(item_field, "")))
                    try:
                        found[key] = found.get(key, 0.0) + float(row.get(resource) or 0)
                    except (TypeError, ValueError):
                        raise OneCError("answer", detail=f"{resource} is not a number") from None
        return found


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None

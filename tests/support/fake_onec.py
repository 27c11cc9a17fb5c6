"""A fake 1C:Enterprise OData server on loopback, for tests and a manual walk of the 1C page.

It speaks the standard interface as a published infobase does: `/<publication>/odata/standard.odata/`
with percent-encoded Cyrillic entity names, `$metadata` as EDMX, `?$format=json` answers shaped
`{"odata.metadata": …, "value": [...]}`, `$select/$filter/$top/$skip/$orderby`, `$inlinecount=allpages`
(the count as a string), an accumulation register's `Balance(Dimensions='…')`, HTTP Basic with UTF-8
credentials (401 otherwise), errors as `{"odata.error": {"code": "14", "message": {...}}}`, and the web
server's bare 404 for a wrong path or an over-long URL. Tests can slow it down, rename the register,
forbid an entity (1C error 20), fail the next answers (error -1), or stop and restart it on its port.

    python -m tests.support.fake_onec --port 8765 --items 200 --warehouses 3
"""

from __future__ import annotations

import argparse
import base64
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

PUBLICATION = "trade"
ROOT = f"/{PUBLICATION}/odata/standard.odata"
MAX_URL = 2048  # IIS's default: longer URLs get the web server's 404
NS = uuid.UUID("6f1c0de0-0000-4000-8000-000000000001")


def key(kind: str, n: int) -> str:
    return str(uuid.uuid5(NS, f"{kind}{n}"))


@dataclass
class FakeData:
    """The infobase: catalog items, warehouses and the register's balances."""

    items: list[dict[str, Any]] = field(default_factory=list)
    warehouses: list[dict[str, Any]] = field(default_factory=list)
    balances: dict[tuple[str, str], float] = field(default_factory=dict)  # (warehouse key, item key) -> qty

    def add_item(self, name: str, article: str = "", code: str = "", folder: bool = False,
                 deleted: bool = False) -> str:
        ref = key("item", len(self.items))
        self.items.append({"Ref_Key": ref, "DataVersion": "AAAAAQAAAAA=", "DeletionMark": deleted,
                           "Parent_Key": "00000000-0000-0000-0000-000000000000", "IsFolder": folder,
                           "Code": code or f"00-{len(self.items) + 1:08d}", "Description": name,
                           "Артикул": article, "ЕдиницаИзмерения_Key": key("unit", 1)})
        return ref

    def add_warehouse(self, name: str) -> str:
        ref = key("warehouse", len(self.warehouses))
        self.warehouses.append({"Ref_Key": ref, "DataVersion": "AAAAAQAAAAA=", "DeletionMark": False,
                                "Parent_Key": "00000000-0000-0000-0000-000000000000", "IsFolder": False,
                                "Code": f"{len(self.warehouses) + 1:09d}", "Description": name})
        return ref


def generated(items: int, warehouses: int) -> FakeData:
    """A sizeable infobase: `items` cartridges with articles, stock on every warehouse."""
    data = FakeData()
    for w in range(warehouses):
        data.add_warehouse(f"Склад №{w + 1}")
    for i in range(items):
        ref = data.add_item(f"Картридж тестовый {i + 1}", article=f"ART-{i + 1:05d}")
        for w, warehouse in enumerate(data.warehouses):
            data.balances[(warehouse["Ref_Key"], ref)] = float((i * 7 + w * 3) % 50)
    return data


class FakeOneC:
    """Start with `start()`, point the client at `url`; every knob is safe to turn while it runs."""

    def __init__(self, data: FakeData | None = None, user: str = "Администратор", password: str = "Ключ-42!",
                 port: int = 0, flavour: str = "ut11", cache: bool = False) -> None:
        self.data = data or FakeData()
        self.user, self.password = user, password
        self.flavour = flavour  # ut11: ТоварыНаСкладах/Склад/ВНаличии; unf: ЗапасыНаСкладах/СтруктурнаяЕдиница
        self.register = "ТоварыНаСкладах" if flavour == "ut11" else "ЗапасыНаСкладах"
        self.delay = 0.0  # seconds before every answer
        self.fail_next = 0  # the next N data requests answer 500 with 1C's error -1
        self.forbidden: set[str] = set()  # entity sets the user has no rights to (error 20)
        self.requests: list[str] = []  # decoded paths with their queries, as they arrived
        self.port = port
        # Filtered rows by (path, $filter, $orderby): for data that stays put (the standalone run, the bench),
        # so paging through 100k balances does not filter them again for every page.
        self.cache: dict[tuple[str, str, str], list[dict[str, Any]]] | None = {} if cache else None
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def warehouse_dimension(self) -> str:
        return "Склад" if self.flavour == "ut11" else "СтруктурнаяЕдиница"

    @property
    def resource(self) -> str:
        return "ВНаличии" if self.flavour == "ut11" else "Количество"

    @property
    def warehouses_catalog(self) -> str:
        return "Склады" if self.flavour == "ut11" else "СтруктурныеЕдиницы"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{ROOT}"

    def start(self) -> FakeOneC:
        owner = self

        class Handler(_Handler):
            fake = owner

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        """1C goes down: the port refuses connections until `start()` again (same port)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeOneC:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log(self, line: str) -> None:
        with self._lock:
            self.requests.append(line)

    # --- $metadata ----------------------------------------------------------------------------

    def metadata(self) -> str:
        def entity(name: str, props: dict[str, str]) -> str:
            body = "".join(f'<Property Name="{p}" Type="{t}" Nullable="true"/>' for p, t in props.items())
            return f'<EntityType Name="{name}"><Key><PropertyRef Name="Ref_Key"/></Key>{body}</EntityType>'

        catalog = {"Ref_Key": "Edm.Guid", "DataVersion": "Edm.String", "DeletionMark": "Edm.Boolean",
                   "Parent_Key": "Edm.Guid", "IsFolder": "Edm.Boolean", "Code": "Edm.String",
                   "Description": "Edm.String"}
        register = f"AccumulationRegister_{self.register}"
        records = {"Recorder": "Edm.String", "Recorder_Type": "Edm.String", "Period": "Edm.DateTime",
                   "LineNumber": "Edm.Int64", "Active": "Edm.Boolean", "RecordType": "Edm.String",
                   "Номенклатура_Key": "Edm.Guid", "Характеристика_Key": "Edm.Guid",
                   f"{self.warehouse_dimension}_Key": "Edm.Guid", f"{self.resource}": "Edm.Double",
                   "ВРезерве": "Edm.Double"}
        types = [entity("Catalog_Номенклатура", {**catalog, "Артикул": "Edm.String",
                                                  "ЕдиницаИзмерения_Key": "Edm.Guid"}),
                 entity(f"Catalog_{self.warehouses_catalog}", catalog),
                 entity(register, {"Recorder": "Edm.String"}), entity(f"{register}_RecordType", records)]
        sets = "".join(f'<EntitySet Name="{name}" EntityType="StandardODATA.{name}"/>'
                       for name in ("Catalog_Номенклатура", f"Catalog_{self.warehouses_catalog}", register,
                                    "InformationRegister_ЦеныНоменклатуры"))
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                '<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0">'
                '<edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata" '
                'm:DataServiceVersion="3.0"><Schema xmlns="http://schemas.microsoft.com/ado/2009/11/edm" '
                f'Namespace="StandardODATA">{"".join(types)}'
                f'<EntityContainer Name="InfoBase" m:IsDefaultEntityContainer="true">{sets}'
                f'<FunctionImport Name="Balance" IsBindable="true" EntitySet="{register}"/>'
                '</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>')

    # --- data ------------------------------------------------------------------------------------

    def rows(self, entity: str, function: str | None) -> list[dict[str, Any]] | None:
        if entity == "Catalog_Номенклатура" and not function:
            return self.data.items
        if entity == f"Catalog_{self.warehouses_catalog}" and not function:
            return self.data.warehouses
        if entity == f"AccumulationRegister_{self.register}" and function:
            match = re.fullmatch(r"Balance\((.*)\)", function)
            if not match:
                return None
            args = dict(re.findall(r"(\w+)='([^']*)'", match.group(1)))
            dims = [d.strip() for d in args.get("Dimensions", "").split(",") if d.strip()]
            if dims and set(dims) - {"Номенклатура", self.warehouse_dimension}:
                raise OneCFault(400, "9", f"Неверное имя измерения: {dims}")
            rows = []
            for (warehouse, item), quantity in self.data.balances.items():
                row = {"Номенклатура_Key": item, f"{self.warehouse_dimension}_Key": warehouse,
                       f"{self.resource}Balance": quantity, "ВРезервеBalance": 0}
                if dims:
                    row = {k: v for k, v in row.items() if not k.endswith("_Key") or k[:-4] in dims}
                rows.append(row)
            return rows
        return None


class OneCFault(Exception):
    def __init__(self, status: int, code: str | None, message: str = "") -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


CONDITION = re.compile(r"^\s*(\w+)\s+eq\s+(guid'[0-9a-f-]{36}'|'(?:[^']|'')*'|true|false|-?\d+(?:\.\d+)?)\s*$")


def _literal(text: str) -> Any:
    if text.startswith("guid'"):
        return text[5:-1]
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    if text in ("true", "false"):
        return text == "true"
    return float(text)


def matcher(expression: str) -> Any:
    """`a eq x and b eq y`, `a eq x or a eq y`, optionally in one pair of brackets; else 1C's error 14."""
    text = expression.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    joiner = " or " if " or " in text else " and "
    conditions = []
    for part in text.split(joiner):
        found = CONDITION.match(part)
        if not found:
            raise OneCFault(400, "14", f"Ошибка разбора выражения $filter: {part.strip()[:80]}")
        conditions.append((found.group(1), _literal(found.group(2))))
    test = any if joiner == " or " else all
    if joiner == " or ":  # a set lookup: long key lists stay fast
        by_field: dict[str, set[Any]] = {}
        for name, value in conditions:
            by_field.setdefault(name, set()).add(value)
        return lambda row: any(row.get(name) in values for name, values in by_field.items())
    return lambda row: test(row.get(name) == value for name, value in conditions)


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOneC
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet under pytest
        pass

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, body: dict[str, Any]) -> None:
        self._send(status, json.dumps(body, ensure_ascii=False).encode(), "application/json;charset=utf-8")

    def _error(self, fault: OneCFault) -> None:
        if fault.code is None:  # the web server's own page, not 1C's
            self._send(fault.status, b"<html><body>404 Not Found</body></html>", "text/html")
            return
        self._json(fault.status, {"odata.error": {"code": fault.code,
                                                  "message": {"lang": "ru", "value": fault.message}}})

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return (user, password) == (self.fake.user, self.fake.password)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        fake = self.fake
        if fake.delay:
            time.sleep(fake.delay)
        raw = urlsplit(self.path)
        path = unquote(raw.path)
        query = dict(parse_qsl(raw.query, keep_blank_values=True))  # + would be a space here too
        fake.log(f"{path}?{unquote(raw.query)}" if raw.query else path)
        try:
            if len(self.path) > MAX_URL or not path.startswith(ROOT + "/"):
                raise OneCFault(404, None)
            if not self._authorised():
                self._send(401, "Требуется авторизация".encode(), "text/plain;charset=utf-8",
                           {"WWW-Authenticate": 'Basic realm="1C"'})
                return
            resource = path[len(ROOT) + 1:]
            if resource == "$metadata":
                self._send(200, fake.metadata().encode(), "application/xml;charset=utf-8")
                return
            self._answer(resource, query)
        except OneCFault as fault:
            self._error(fault)

    def _filtered(self, entity: str, function: str, query: dict[str, str]) -> list[dict[str, Any]]:
        rows = self.fake.rows(entity, function or None)
        if rows is None:
            raise OneCFault(404, "9", f"Не найден объект: {entity}")
        if "$filter" in query:
            test = matcher(query["$filter"])
            rows = [row for row in rows if test(row)]
        if query.get("$orderby"):
            rows = sorted(rows, key=lambda row: str(row.get(query["$orderby"].split()[0], "")))
        return rows

    def _answer(self, resource: str, query: dict[str, str]) -> None:
        fake = self.fake
        entity, _, function = resource.partition("/")
        if fake.fail_next > 0:
            fake.fail_next -= 1
            raise OneCFault(500, "-1", "Внутренняя ошибка сервера 1С:Предприятия")
        if entity in fake.forbidden:
            raise OneCFault(403, "20", f"Недостаточно прав для чтения данных ({entity})")
        if query.get("$format") != "json":
            raise OneCFault(406, "6", "Этот пример ждёт $format=json")
        cache_key = (resource, query.get("$filter", ""), query.get("$orderby", ""))
        cached = fake.cache.get(cache_key) if fake.cache is not None else None
        rows = cached if cached is not None else self._filtered(entity, function, query)
        if fake.cache is not None:
            fake.cache[cache_key] = rows
        total = len(rows)
        skip, top = int(query.get("$skip", 0) or 0), query.get("$top")
        rows = rows[skip:skip + int(top)] if top is not None else rows[skip:]
        if "$select" in query:
            wanted = [name.strip() for name in query["$select"].split(",")]
            rows = [{name: row.get(name) for name in wanted if name in row} for row in rows]
        body: dict[str, Any] = {"odata.metadata": f"http://127.0.0.1:{fake.port}{ROOT}/$metadata#{entity}"}
        if query.get("$inlinecount") == "allpages":
            body["odata.count"] = str(total)
        body["value"] = rows
        self._json(200, body)


def main() -> None:
    parser = argparse.ArgumentParser(description="A fake 1C OData server for a manual walk of the 1C page.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--warehouses", type=int, default=3)
    parser.add_argument("--flavour", choices=("ut11", "unf"), default="ut11")
    args = parser.parse_args()
    fake = FakeOneC(generated(args.items, args.warehouses), port=args.port, flavour=args.flavour, cache=True).start()
    print(f"1C OData: {fake.url}\nuser: {fake.user}\npassword: {fake.password}\nCtrl+C stops it.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()

"""The API reference at /schema: rendered on the server from the OpenAPI schema, no third-party JS."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.openapi.plugins import OpenAPIRenderPlugin

METHODS = ("get", "post", "put", "patch", "delete")


class ApiDocsPlugin(OpenAPIRenderPlugin):
    def __init__(self) -> None:
        super().__init__(path="/")

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        operations = []
        for path, item in openapi_schema.get("paths", {}).items():
            for method in METHODS:
                operation = item.get(method)
                if operation is None:
                    continue
                operations.append({
                    "method": method.upper(), "path": path, "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [(p["name"], p["in"], p.get("required", False))
                                   for p in operation.get("parameters", [])],
                    "body": bool(operation.get("requestBody")),
                    "responses": sorted(operation.get("responses", {})),
                })
        template = request.app.template_engine.get_template("api_docs.html")
        html = template.render(request=request, operations=operations, info=openapi_schema.get("info", {}),
                               schema_url=self.get_openapi_json_route(request), csrf_input="")
        return html.encode()

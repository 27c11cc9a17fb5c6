"""Bulk import pages (admins): templates to download, upload, a preview with per-row errors, confirm.

Between preview and confirm the parsed rows wait in a draft file in the data dir (core.imports.drafts),
named by a random token and bound to the admin who uploaded it; confirm checks them again and writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template

from helpdesk.core import imports
from helpdesk.core.errors import N_, ValidationError
from helpdesk.core.fields import parse_int
from helpdesk.core.imports import drafts
from helpdesk.i18n import get_language, translate
from helpdesk.web.panel.forms import recall, refuse, web_actor
from helpdesk.web.panel.session import Form

Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOW = ("all", "errors", "create", "update", "unchanged")
SHOW_LIMIT = 500  # rows drawn at once: a phone should not render ten thousand table rows


def _drafts_dir(request: Request) -> Path:
    return request.app.state.settings.data_dir / "imports"


def _index(request: Request, kind: str | None, error: str | None = None, status: int = 200) -> Template:
    query = request.query_params
    done = None
    if query.get("done") in imports.KINDS:
        done = {"kind": imports.KINDS[query["done"]], **{k: parse_int(query.get(k)) or 0
                                                          for k in ("created", "updated", "unchanged")}}
    return Template("imports/index.html", status_code=status, context={
        "kinds": list(imports.KINDS.values()), "selected": kind if kind in imports.KINDS else next(iter(imports.KINDS)),
        "error": error, "done": done, "max_rows": imports.MAX_ROWS, "max_mb": imports.MAX_BYTES // 2**20})


def _preview(preview: imports.Preview, token: str, show: str | None, error: str | None = None,
             status: int = 200, chosen: dict[str, str] | None = None, mapping_error: str | None = None) -> Template:
    kind = imports.get_kind(preview.kind)
    counts = preview.counts
    if show not in SHOW:
        show = "errors" if counts["errors"] else "all"
    rows = [r for r in preview.rows
            if show == "all" or (r.errors if show == "errors" else r.action == show)]
    return Template("imports/preview.html", status_code=status, context={
        "preview": preview, "kind": kind, "token": token, "counts": counts, "show": show,
        "rows": rows[:SHOW_LIMIT], "matching": len(rows), "error": error,
        "columns": [kind.column(key) for key in preview.columns],
        "labels": {c.key: c.label for c in kind.columns},
        "chosen": chosen or {c.key: str(preview.mapping.get(c.key, "")) for c in kind.columns},
        "missing_labels": [translate(kind.column(key).label, get_language()) for key in preview.missing],
        "mapping_open": bool(mapping_error or preview.missing or preview.ignored), "mapping_error": mapping_error})


def _choice(kind: str, data: dict[str, Any]) -> dict[str, int | None]:
    """The mapping form: for each of our columns the index of a file column, or empty for none."""
    return {c.key: parse_int(str(data.get(f"column-{c.key}", ""))) for c in imports.get_kind(kind).columns}


class ImportPage(Controller):
    """GET and POST of a path share a controller (see requests.NewRequestPage)."""

    path = "/import"

    @get("/", sync_to_thread=True)
    def show(self, request: Request) -> Template:
        if back := recall(request):  # a file cannot be kept: the kind chosen and the error can
            return _index(request, back.values.get("kind"), back.errors.get("file"), status=back.status)
        return _index(request, request.query_params.get("kind"))

    @post("/", sync_to_thread=True)
    def upload(self, request: Request, data: Upload) -> Template | Redirect:
        actor = web_actor(request)
        kind, upload = str(data.get("kind", "")), data.get("file")
        try:
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise ValidationError(N_("Choose a file."), field="file")
            content = upload.file.read(imports.MAX_BYTES + 1)  # one byte more tells "too large"
            preview = imports.preview(actor, kind, upload.filename, content)
        except ValidationError as exc:
            return refuse(request, exc, {"kind": kind}, field="file")
        token = drafts.save(_drafts_dir(request), actor, preview)
        return Redirect(f"/import/preview/{token}", status_code=303)

    @get("/{kind:str}/template.xlsx", sync_to_thread=True)
    def template(self, request: Request, kind: FromPath[str]) -> Response[bytes]:
        content = imports.template(kind, get_language())
        return Response(content, media_type=XLSX, headers={
            "Content-Disposition": f'attachment; filename="helpdesk-{kind}.xlsx"'})

    @get("/preview/{token:str}", sync_to_thread=True)
    def preview(self, request: Request, token: FromPath[str]) -> Template:
        actor = web_actor(request)
        preview = drafts.load(_drafts_dir(request), actor, token)
        if back := recall(request):  # a refused mapping: its choice and error, the draft as it was
            chosen = {k[len("column-"):]: str(v) for k, v in back.values.items() if k.startswith("column-")}
            return _preview(preview, token, None, status=back.status, chosen=chosen,
                            mapping_error=" ".join(back.errors.values()))
        return _preview(preview, token, request.query_params.get("show"))

    @post("/preview/{token:str}/columns", sync_to_thread=True)
    def columns(self, request: Request, token: FromPath[str], data: Form) -> Redirect:
        """The admin's choice of which file column holds which of ours; the draft is read again with it."""
        actor = web_actor(request)
        directory = _drafts_dir(request)
        draft = drafts.load(directory, actor, token)
        try:
            remapped = imports.remap(actor, draft, _choice(draft.kind, data))
        except ValidationError as exc:
            return refuse(request, exc, dict(data), to=f"/import/preview/{token}", field="columns")
        drafts.save(directory, actor, remapped, token)
        return Redirect(f"/import/preview/{token}", status_code=303)

    @post("/preview/{token:str}", sync_to_thread=True)
    def confirm(self, request: Request, token: FromPath[str], data: Form) -> Template | Redirect:
        actor = web_actor(request)
        preview = drafts.load(_drafts_dir(request), actor, token)
        try:
            summary = imports.apply(actor, preview)
        except imports.ImportHasErrors as exc:
            return _preview(exc.preview, token, "errors", exc.text(get_language()), status=422)
        drafts.discard(_drafts_dir(request), token)
        return Redirect(f"/import?done={summary.kind}&created={summary.created}&updated={summary.updated}"
                        f"&unchanged={summary.unchanged}", status_code=303)

    @post("/preview/{token:str}/cancel", sync_to_thread=True)
    def cancel(self, request: Request, token: FromPath[str], data: Form) -> Redirect:
        drafts.discard(_drafts_dir(request), token)
        return Redirect("/import", status_code=303)


ROUTES = [ImportPage]

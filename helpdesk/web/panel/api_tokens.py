"""API tokens page (admins): the list, issuing a token (its secret shown once), revoking with a confirmation."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from helpdesk.core import api_tokens
from helpdesk.core.actors import Actor
from helpdesk.core.errors import DomainError
from helpdesk.core.fields import by_id, parse_int
from helpdesk.db.models import ApiToken, User
from helpdesk.web.panel.forms import recall, refuse, web_actor
from helpdesk.web.panel.session import Form

# The new secret rides the (encrypted, signed) session cookie across the redirect after the POST, once:
# a reload then neither shows it again nor issues a second token.
JUST_ISSUED = "issued_token"


def _context(actor: Actor, values: dict[str, Any], errors: dict[str, str],
             issued: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"tokens": api_tokens.tokens(actor), "owners": api_tokens.owners(actor), "values": values,
            "errors": errors, "issued": issued}


class TokensPage(Controller):
    path = "/org/tokens"

    @get("/", sync_to_thread=True)
    def show(self, request: Request) -> Template:
        actor = web_actor(request)
        issued = None
        if JUST_ISSUED in request.session:
            session = dict(request.session)
            issued = session.pop(JUST_ISSUED)
            request.set_session(session)
        if back := recall(request):
            return Template("org/tokens.html", context=_context(actor, back.values, back.errors),
                            status_code=back.status)
        return Template("org/tokens.html", context=_context(actor, {}, {}, issued))

    @post("/", sync_to_thread=True)
    def create(self, request: Request, data: Form) -> Template | Redirect:
        actor = web_actor(request)
        owner = by_id(User, parse_int(data.get("owner")))
        try:
            issued = api_tokens.issue(actor, owner, str(data.get("name", ""))[:200])
        except DomainError as exc:
            return refuse(request, exc, dict(data))
        request.set_session({**request.session, JUST_ISSUED: {"id": issued.token.id, "name": issued.token.name,
                                                              "secret": issued.secret}})
        return Redirect("/org/tokens", status_code=303)

    @get("/{token_id:int}/revoke", sync_to_thread=True)
    def confirm_revoke(self, request: Request, token_id: FromPath[int]) -> Template:
        actor = web_actor(request)
        return Template("org/token_revoke.html", context={"token": api_tokens.find(actor, str(token_id))})

    @post("/{token_id:int}/revoke", sync_to_thread=True)
    def revoke(self, request: Request, token_id: FromPath[int]) -> Template | Redirect:
        actor = web_actor(request)
        token: ApiToken = api_tokens.find(actor, str(token_id))
        try:
            api_tokens.revoke(actor, token)
        except DomainError as exc:
            return refuse(request, exc, {}, to="/org/tokens", status=409)
        return Redirect("/org/tokens", status_code=303)


ROUTES = [TokensPage]

"""What can go wrong talking to 1C, told in plain words an admin can act on.

1C answers errors as `{"odata.error": {"code": "9", "message": {...}}}` (the code is a string). A 404
without that body comes from the web server in front of 1C (a wrong publication path), not from 1C.
"""

from __future__ import annotations

from typing import Any

from helpdesk.i18n import N_

# kind -> the sentence shown on the 1C page (kinds are also the state in /healthz)
MESSAGES: dict[str, str] = {
    "auth": N_("1C refused the user name or password (HTTP 401). Check the user and password, and that the "
               "user may use the OData interface."),
    "url": N_("Nothing answers as 1C at this address (HTTP 404 from the web server). Check the URL: it ends "
              "in /odata/standard.odata, and the infobase must be published with OData switched on."),
    "register": N_("1C has no accumulation register %(name)s in its OData interface. Check its name, or "
                   "add it to the published OData content (SetStandardODataInterfaceContent)."),
    "field": N_("The register %(register)s has no field %(name)s. Check the dimension and resource names."),
    "rights": N_("The 1C user has no right to read this data (1C error 20). Give them read rights."),
    "filter": N_("1C did not accept the query's filter (1C error 14): %(detail)s"),
    "internal": N_("1C failed inside (error -1): %(detail)s"),
    "odata": N_("1C answered error %(code)s: %(detail)s"),
    "timeout": N_("1C did not answer within %(seconds)s seconds. It may be busy or down; the last known "
                  "balances stay in use."),
    "unreachable": N_("Cannot connect to 1C at %(host)s: %(detail)s. Is the server on and the address right?"),
    "http": N_("The web server in front of 1C answered HTTP %(status)s."),
    "answer": N_("1C's answer could not be read (%(detail)s)."),
    "config": N_("1C is not set up: enter its URL first."),
}


class OneCError(Exception):
    """A failed exchange with 1C; `kind` keys MESSAGES, `params` fill it in. `transient`: worth a retry."""

    def __init__(self, kind: str, transient: bool = False, **params: Any) -> None:
        self.kind = kind
        self.transient = transient
        self.params = params
        super().__init__(f"{kind}: {params}")

    @property
    def msgid(self) -> str:
        return MESSAGES[self.kind]


def from_response(status: int, body: Any) -> OneCError:
    """The error a non-2xx answer means, from its status and (when 1C wrote one) its odata.error body."""
    error = body.get("odata.error") if isinstance(body, dict) else None
    if status == 401:
        return OneCError("auth")
    if not isinstance(error, dict):
        if status == 404:
            return OneCError("url")
        return OneCError("http", transient=status >= 500, status=status)
    code = str(error.get("code", ""))
    message = error.get("message")
    detail = str(message.get("value", "") if isinstance(message, dict) else message or "")[:300]
    if code == "20":
        return OneCError("rights")
    if code == "14":
        return OneCError("filter", detail=detail)
    if code == "-1":
        return OneCError("internal", transient=True, detail=detail)
    return OneCError("odata", code=code, detail=detail)

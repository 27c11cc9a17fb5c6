"""Response headers every answer gets, decided in one place by path prefix; Secure cookies on HTTPS.

Installed as the app's `before_send` hook, so it also covers error pages, static files and the router's
own 404s. A response that already carries one of these headers keeps its own (attachments set a stricter
sandbox policy).
"""

from __future__ import annotations

from litestar.types import Message, Scope

# Nothing inline: the panel's scripts and styles are packaged files under /static.
PANEL_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
             "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
PANEL_HEADERS: dict[str, str] = {
    "content-security-policy": PANEL_CSP,
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
}
# Telegram's web clients frame the Mini App and it loads telegram.org's script; nothing else is loosened.
# No X-Frame-Options: it cannot name allowed framers, and DENY would blank the app in Telegram Web.
MINIAPP_CSP = ("default-src 'self'; script-src 'self' https://telegram.org; style-src 'self'; "
               "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
               "frame-ancestors https://web.telegram.org https://*.telegram.org; base-uri 'none'; form-action 'none'")
MINIAPP_HEADERS: dict[str, str] = {
    "content-security-policy": MINIAPP_CSP,
    "referrer-policy": "same-origin",
    "x-content-type-options": "nosniff",
}
# Longest prefix first; a path no prefix matches gets the panel's headers.
POLICIES: tuple[tuple[str, dict[str, str]], ...] = (
    ("/miniapp", MINIAPP_HEADERS),
)


def headers_for(path: str) -> dict[str, str]:
    for prefix, headers in POLICIES:
        if path == prefix or path.startswith(prefix + "/"):
            return headers
    return PANEL_HEADERS


def is_https(scope: Scope) -> bool:
    """The request's own scheme: uvicorn sets it from X-Forwarded-Proto only for HELPDESK_TRUSTED_PROXIES.

    Decided per request, so the plain-HTTP LAN panel keeps its cookies when the Mini App is published
    over HTTPS.
    """
    return scope.get("scheme") == "https"


def _secure_cookie(value: bytes) -> bytes:
    return value if b"; secure" in value.lower() else value + b"; Secure"


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start" or scope["type"] != "http":
        return
    headers = list(message.get("headers") or [])
    present = {bytes(name).lower() for name, _ in headers}
    for name, value in headers_for(scope["path"]).items():
        if name.encode() not in present:
            headers.append((name.encode(), value.encode()))
    if is_https(scope):
        headers = [(name, _secure_cookie(bytes(value)) if bytes(name).lower() == b"set-cookie" else value)
                   for name, value in headers]
    message["headers"] = headers  # type: ignore[typeddict-unknown-key]

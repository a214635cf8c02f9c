"""The server's own rules, before any page runs (used by :mod:`ui.server`; pure, no Streamlit).

* **Bind rule.** Without sign-in (no ``[auth]`` in the secrets) Veille is one local user with
  every role, so it must be reachable from this machine only: it starts only when bound to a
  loopback address *and* when every allowed ``Host`` is a loopback name (a reverse proxy on
  the same machine forwarding a public name would otherwise expose it). With sign-in, the
  cookie secret is required (32 characters at least) and the public host names must be listed
  (``server.allowedHosts``).
* **Host check.** Every HTTP request and WebSocket whose ``Host`` is not an allowed name is
  refused (DNS rebinding: a page on ``evil.example`` resolving to this server).
* **Closed paths.** ``/_stcore/metrics`` (function names, session counts, upload bytes) and
  the agent API answer 404 to everyone.
* **Security headers** on every response (:func:`security_headers`): a Content-Security-Policy
  that lets a page load images, styles, scripts, fonts and connections from the app's own
  origin only (so text injected into a page cannot fetch from, or send to, another host),
  frames only from and within that origin, plus ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy`` and ``X-Frame-Options``. nginx sends the same ones
  (``deploy/nginx.conf.template``).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: Paths under the base URL that nobody may reach.
CLOSED_PATHS = ("/_stcore/metrics", "/_stcore/agent")
MIN_COOKIE_SECRET = 32


def is_loopback(address: str | None) -> bool:
    """True for ``localhost`` and loopback IP addresses; False for an unset address (every
    interface), a wildcard, a Unix socket or any other address."""
    if not address:
        return False
    address = address.strip().strip("[]").lower()
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def host_name(host: str | None) -> str:
    """The name of a ``Host`` header, without port and brackets, in lower case."""
    host = (host or "").strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host[1:]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host: str | None, allowed: Sequence[str]) -> bool:
    """Whether a request's ``Host`` is one of ``allowed`` (exact names, ``*.domain`` for its
    subdomains, ``*`` for any); with an empty list only loopback names are."""
    name = host_name(host)
    if not name:
        return False
    patterns = [p.strip().lower() for p in allowed if p and p.strip()] or LOOPBACK_NAMES
    for pattern in patterns:
        if pattern == "*" or name == host_name(pattern):
            return True
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
    return False


def startup_problems(address: str | None, allowed_hosts: Sequence[str],
                     auth: Mapping | None) -> list[str]:
    """Why the server must not start (empty: it may). Messages in French, then English;
    they never quote a secret."""
    problems = []
    hosts = [h for h in allowed_hosts if h and h.strip()]
    if not auth:
        if not is_loopback(address):
            problems.append(
                f"Sans connexion configurée ([auth] dans .streamlit/secrets.toml), Veille "
                f"n'écoute que sur 127.0.0.1 (adresse demandée : {address or 'toutes'}). "
                f"Configurez la connexion ou liez le serveur à localhost. / Without sign-in "
                f"([auth] in .streamlit/secrets.toml) Veille only listens on 127.0.0.1 "
                f"(asked: {address or 'every interface'}): configure sign-in or bind to "
                f"localhost.")
        public = [h for h in hosts if host_name(h) not in LOOPBACK_NAMES]
        if public:
            problems.append(
                f"Sans connexion configurée, server.allowedHosts ne peut nommer que localhost "
                f"(trouvé : {', '.join(public)}). / Without sign-in, server.allowedHosts may "
                f"only name localhost (found: {', '.join(public)}).")
        return problems
    secret = str(auth.get("cookie_secret") or "")
    if len(secret) < MIN_COOKIE_SECRET:
        problems.append(
            f"[auth] cookie_secret est obligatoire ({MIN_COOKIE_SECRET} caractères au moins, "
            f"aléatoires). / [auth] cookie_secret is required (at least "
            f"{MIN_COOKIE_SECRET} random characters).")
    if not hosts:
        problems.append(
            "Avec la connexion, server.allowedHosts doit nommer le nom public du serveur. / "
            "With sign-in, server.allowedHosts must name the server's public host name.")
    return problems


# ---------------------------------------------------------------- security headers
#: The Content-Security-Policy of the app's pages, by directive, the least that every screen
#: needs (measured in Chromium: every screen, its maps and charts, without one violation).
#: Scripts: the origin's files, the ``blob:`` modules that Streamlit makes of a component's
#: inline code (``st.components.v2``: the map watcher), WebAssembly (Streamlit's protobuf
#: decoder) and the one inline script of Streamlit's ``index.html``, by its hash
#: (:func:`csp`). Styles are injected at run time (emotion): inline styles. Fonts: the
#: origin and ``data:`` (a font inlined in a style sheet). Images, connections (the
#: WebSocket included), workers, frames: the origin only. Framed only by the origin.
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self' blob: 'wasm-unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self'",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "frame-src": "'self'",
    "worker-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'self'",
}
#: A component's frame (``/component/…``): streamlit-folium runs the map's script with
#: ``eval`` and inline ``<script>`` elements; still nothing from another host.
COMPONENT_SCRIPTS = "'self' 'unsafe-inline' 'unsafe-eval'"


def csp(inline_scripts: Sequence[str] = (), component: bool = False) -> str:
    """The Content-Security-Policy: :data:`CSP_DIRECTIVES` with, for a page, the hashes of
    its ``inline_scripts`` (the bodies of Streamlit's ``index.html`` inline ``<script>``
    elements: :func:`inline_scripts`), for a component's frame :data:`COMPONENT_SCRIPTS`."""
    directives = dict(CSP_DIRECTIVES)
    if component:
        directives["script-src"] = COMPONENT_SCRIPTS
    else:
        hashes = " ".join(f"'sha256-{_sha256(body)}'" for body in inline_scripts)
        directives["script-src"] = " ".join(filter(None, (directives["script-src"], hashes)))
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def inline_scripts(html: str) -> list[str]:
    """The bodies of the inline ``<script>`` elements of a page's HTML (those without
    ``src``), as the browser hashes them."""
    return re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, flags=re.S)


#: Response headers set on every answer (and replaced if the app set its own).
SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "same-origin"),
                    ("X-Frame-Options", "SAMEORIGIN"))


def security_headers(path: str, base: str = "",
                     inline: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The security headers of the answer to ``path`` (under the base URL path ``base``):
    :data:`SECURITY_HEADERS` and the Content-Security-Policy (:func:`csp`; ``inline``: the
    inline scripts of the app's page)."""
    prefix = "/" + base.strip("/") if base and base.strip("/") else ""
    component = re.sub("/+", "/", path).startswith(prefix + "/component/")
    return [*SECURITY_HEADERS,
            ("Content-Security-Policy", csp(() if component else inline, component))]


def _refuse(status: int, text: str):
    body = text.encode()

    async def respond(scope, receive, send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
    return respond


def _with_headers(send, headers: list[tuple[str, str]]):
    """``send`` with ``headers`` set on the HTTP response's start (replacing the same
    names)."""
    names = {name.lower().encode("latin-1") for name, _ in headers}
    encoded = [(name.lower().encode("latin-1"), value.encode("latin-1"))
               for name, value in headers]

    async def sending(message) -> None:
        if message["type"] == "http.response.start":
            kept = [(k, v) for k, v in message.get("headers") or [] if k.lower() not in names]
            message = {**message, "headers": kept + encoded}
        await send(message)
    return sending


class Gate:
    """ASGI middleware: the Host check and the closed paths, on HTTP and WebSocket alike,
    and the security headers on every HTTP answer.

    ``options()`` returns ``(allowed_hosts, base_url_path)``; it is called on each request,
    so the server's configuration is read once it is loaded. ``inline_scripts``: those of
    the app's page, allowed by their hashes (:func:`csp`)."""

    def __init__(self, app, options: Callable[[], tuple[Sequence[str], str]],
                 inline_scripts: Sequence[str] = ()):
        self.app, self.options, self.inline = app, options, tuple(inline_scripts)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] in ("http", "websocket"):
            allowed, base = self.options()
            if scope["type"] == "http":
                send = _with_headers(send, security_headers(scope.get("path", ""), base,
                                                            self.inline))
            headers = dict(scope.get("headers") or [])
            if not host_allowed(headers.get(b"host", b"").decode("latin-1"), allowed):
                return await _refuse(400, "Host not allowed")(scope, receive, send)
            path = re.sub("/+", "/", scope.get("path", ""))
            prefix = "/" + base.strip("/") if base and base.strip("/") else ""
            for closed in CLOSED_PATHS:
                if path == prefix + closed or path.startswith(prefix + closed + "/"):
                    return await _refuse(404, "Not found")(scope, receive, send)
        await self.app(scope, receive, send)

"""HTTP hooks served by the app process beside Streamlit (``st.App(routes=...)``): the SMS
gateways' webhook ``POST /hooks/sms/<gateway>``, answered by
:class:`geo.intake.webhook.Webhook` (checks, the report, the reply). This module only reads
the request (at most :data:`~geo.intake.webhook.MAX_BODY` bytes + 1), runs the handler in a
worker thread and writes its JSON answer."""

from __future__ import annotations

import threading

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from geo.records import store
from geo.intake import webhook

_hooks: dict[tuple, webhook.Webhook] = {}
_lock = threading.Lock()


def _webhook() -> webhook.Webhook:
    """The process's webhook for the settings in force (a changed secret makes a new one)."""
    from ui import data

    config = data.settings()
    key = (config.database_url, config.sms_secret, config.pseudonym_key)
    with _lock:
        if key not in _hooks:
            _hooks.clear()
            _hooks[key] = webhook.Webhook(store.make_engine(config.database_url,
                                                            config.pool_size),
                                          config.sms_secret, config.pseudonym_key)
        return _hooks[key]


async def _body(request: Request) -> bytes:
    """The request's body, cut at one byte past the limit (the handler refuses it)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > webhook.MAX_BODY:
            return bytes(body[:webhook.MAX_BODY + 1])
    return bytes(body)


async def sms_hook(request: Request) -> JSONResponse:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > webhook.MAX_BODY:
        body = b"\0" * (webhook.MAX_BODY + 1)          # refused without reading it
    else:
        body = await _body(request)
    hook = await run_in_threadpool(_webhook)
    answer = await run_in_threadpool(
        hook.handle, request.path_params["gateway"],
        {k.lower(): v for k, v in request.headers.items()}, body,
        request.headers.get("content-type", ""))
    return JSONResponse(answer.payload, status_code=answer.status)


def routes() -> list[Route]:
    """The app's own HTTP routes, for ``st.App(routes=...)``: the SMS webhook and the
    downloads of restricted data (:mod:`ui.downloads`)."""
    from ui import downloads

    return [Route("/hooks/sms/{gateway}", sms_hook, methods=["POST"]), *downloads.routes()]


def counts() -> dict[str, int]:
    """This process's webhook answers since it started, by reason (empty before the first
    request): for the Data page, per replica."""
    with _lock:
        return next(iter(_hooks.values())).counts() if _hooks else {}

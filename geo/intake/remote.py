"""Talking to a collection platform: the source, HTTP with limits, coded errors.

Every failure a user can meet is a :class:`SyncError` with a code translated in both
languages (``intake.error.<code>``): ``unreachable``, ``timeout``, ``token_missing``,
``token_refused`` (HTTP 401/403), ``form_unknown`` (404), ``server_error`` (5xx),
``server_refused`` (another 4xx), ``malformed`` (not the documented JSON), ``too_large``,
``fields_changed`` (the form no longer gives a field Veille needs), ``personal_data`` (a
question names a person). A message never holds the token: the token travels only in the
``Authorization`` header, and no header, request or library text enters a message.

Links a platform gives to follow (KoboToolbox's ``next``, ODK Central's
``@odata.nextLink``) are followed only on the configured server (same scheme, host and
port): a page cannot send the token elsewhere.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from geo.i18n import TRANSLATIONS, t

PLATFORMS = ("kobo", "odk")
#: Largest response body read (bytes): a page of 1,000 submissions of a large form is a few MB.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: Seconds to connect, and to wait for each chunk of an answer.
CONNECT_SECONDS = 10.0
READ_SECONDS = 60.0


class SyncError(Exception):
    """A sync that could not run; ``code`` and ``params`` make the message (:meth:`message`),
    in French by default for ``str()``."""

    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(self.message("fr"))

    def message(self, lang: str = "fr") -> str:
        params = dict(self.params)
        if "refusal" in params:            # the importer's refusal (personal data)
            return params["refusal"].message(lang)
        if isinstance(params.get("fields"), list):
            params["fields"] = ", ".join(
                t(f"fieldname.{f}", lang) if f"fieldname.{f}" in TRANSLATIONS["fr"]
                else t(f"intake.field.{f}", lang) for f in params["fields"])
        if "what" in params:
            params["what"] = t(f"intake.field.{params['what']}", lang)
        return t(f"intake.error.{self.code}", lang, **params)


@dataclass(frozen=True)
class Source:
    """A form on a platform: ``server`` (``https://kf.kobotoolbox.org``), ``form`` (the
    KoboToolbox asset uid, or ODK Central's ``xmlFormId``), ``project`` (ODK Central's
    numeric project id)."""

    platform: str
    server: str
    form: str
    project: str | None = None
    label: str | None = None

    @property
    def source_id(self) -> str:
        """Stable key of the source in the store: ``kobo:https://host/aXe…`` or
        ``odk:https://host/7/form``."""
        middle = f"{self.project}/" if self.project else ""
        return f"{self.platform}:{self.server}/{middle}{self.form}"[:200]

    @property
    def name(self) -> str:
        return self.label or f"{self.form} ({urlsplit(self.server).netloc})"


def source(platform: str, server: str, form: str, project: str | int | None = None,
           label: str | None = None) -> Source:
    """A checked :class:`Source`: a known platform, an ``http(s)://`` server without user
    name or password in it (the token is given apart), a form id, and for ODK Central a
    numeric project.

    Raises
    ------
    SyncError
        ``source_invalid`` naming what is wrong.
    """
    if platform not in PLATFORMS:
        raise SyncError("source_invalid", what="platform")
    server = str(server or "").strip().rstrip("/")
    parts = urlsplit(server)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username \
            or parts.password or parts.query or parts.fragment or len(server) > 150:
        raise SyncError("source_invalid", what="server")
    form = str(form or "").strip()
    if not form or len(form) > 120 or any(c in form for c in "/?#% "):
        raise SyncError("source_invalid", what="form")
    project = None if project is None or str(project).strip() == "" else str(project).strip()
    if platform == "odk" and (project is None or not project.isdigit()):
        raise SyncError("source_invalid", what="project")
    if platform == "kobo":
        project = None
    label = (str(label).strip()[:120] or None) if label else None
    return Source(platform, server, form, project, label)


def _origin(url: str) -> tuple:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


class Client:
    """GET JSON (or text) from one server with an ``Authorization`` header, bounded in
    time and size; every failure becomes a :class:`SyncError`."""

    def __init__(self, server: str, authorization: str,
                 transport: httpx.BaseTransport | None = None):
        self.origin = _origin(server)
        self._http = httpx.Client(
            headers={"Authorization": authorization, "Accept": "application/json"},
            timeout=httpx.Timeout(READ_SECONDS, connect=CONNECT_SECONDS),
            follow_redirects=False, transport=transport)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc) -> None:
        self._http.close()

    def text(self, url: str, params: dict | None = None) -> str:
        """The body of ``GET url`` as text (UTF-8)."""
        if _origin(url) != self.origin:
            raise SyncError("malformed", detail="link")
        try:
            with self._http.stream("GET", url, params=params) as response:
                status = response.status_code
                if status in (401, 403):
                    raise SyncError("token_refused", status=status)
                if status == 404:
                    raise SyncError("form_unknown")
                if status >= 500:
                    raise SyncError("server_error", status=status)
                if status >= 300:
                    raise SyncError("server_refused", status=status)
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_RESPONSE_BYTES:
                        raise SyncError("too_large", limit=MAX_RESPONSE_BYTES // 1_000_000)
        except httpx.TimeoutException:
            raise SyncError("timeout") from None
        except (httpx.TransportError, httpx.InvalidURL, OSError):
            raise SyncError("unreachable") from None
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise SyncError("malformed", detail="encoding") from None

    def json(self, url: str, params: dict | None = None) -> dict:
        """The body of ``GET url`` as a JSON object."""
        try:
            data = json.loads(self.text(url, params))
        except ValueError:
            raise SyncError("malformed", detail="json") from None
        if not isinstance(data, dict):
            raise SyncError("malformed", detail="json")
        return data

"""Local stand-ins for the services intake talks to, started by the tests on 127.0.0.1 (never
the Internet): KoboToolbox's API v2, ODK Central's OData service, an SMTP server.

Each HTTP stand-in answers as the platform's documentation says: paging (``next`` /
``@odata.nextLink``, ``count`` / ``@odata.count``), the filters Veille sends (KoboToolbox's
``query`` on ``_submission_time``, ODK Central's ``$filter`` on ``__system/submissionDate``
and ``__system/updatedAt``), 401 for a bad token (403 for ODK Central's token without rights),
404 for an unknown form. ``requests`` records every request (path, query, whether it carried
the right token); ``drop_on`` makes the n-th data request fail mid-way (the connection closed
without an answer), ``status_on`` answers a given status instead.
"""

from __future__ import annotations

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit


class _Server:
    """A threaded HTTP server on 127.0.0.1 and a free port, serving ``self.answer``."""

    def __init__(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):                               # noqa: N802 - http.server's name
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                auth = self.headers.get("Authorization", "")
                owner.requests.append({"path": parts.path, "query": query,
                                       "auth_ok": auth == owner.expected_auth()})
                answer = owner.answer(parts.path, query, auth)
                if answer is None:                          # a dropped connection
                    self.close_connection = True
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                status, body, ctype = answer
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args):
                pass

        self.requests: list[dict] = []
        self.data_requests = 0
        self.drop_on: int | None = None
        self.status_on: dict[int, int] = {}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self.httpd.shutdown()
        self.httpd.server_close()

    def _data_request(self):
        """Count a data request; None to drop it, a status to answer instead, else False."""
        self.data_requests += 1
        if self.drop_on == self.data_requests:
            return None
        return self.status_on.get(self.data_requests, False)


class KoboServer(_Server):
    """KoboToolbox API v2: ``assets`` maps an asset uid to ``{"content": {...},
    "submissions": [...]}``; ``token`` is the valid API token; ``next_host`` makes ``next``
    links point to another server."""

    def __init__(self, token: str, assets: dict):
        super().__init__()
        self.token, self.assets, self.next_host = token, assets, None

    def expected_auth(self) -> str:
        return f"Token {self.token}"

    def answer(self, path, query, auth):
        if auth != self.expected_auth():
            return 401, {"detail": "Invalid token."}, "application/json"
        found = re.fullmatch(r"/api/v2/assets/([^/]+)/(data/)?", path)
        if not found or found.group(1) not in self.assets:
            return 404, {"detail": "Not found."}, "application/json"
        asset = self.assets[found.group(1)]
        if not found.group(2):
            return 200, {"uid": found.group(1), "content": asset["content"],
                         "deployment__submission_count": len(asset["submissions"])}, \
                "application/json"
        verdict = self._data_request()
        if verdict is None:
            return None
        if verdict:
            return verdict, {"detail": "Server error"}, "application/json"
        rows = asset["submissions"]
        if "query" in query:
            condition = json.loads(query["query"])["_submission_time"]
            rows = [r for r in rows if r["_submission_time"] >= condition["$gte"]]
        start, limit = int(query.get("start", 0)), int(query.get("limit", 100))
        page = rows[start:start + limit]
        base = self.next_host or self.url
        more = start + limit < len(rows)
        following = {k: v for k, v in query.items() if k != "start"}
        return 200, {
            "count": len(rows),
            "next": f"{base}{path}?{urlencode({**following, 'start': start + limit})}"
            if more else None,
            "previous": None if start == 0 else f"{self.url}{path}?start={max(0, start - limit)}",
            "results": page}, "application/json"


class OdkServer(_Server):
    """ODK Central: ``forms`` maps ``(project, xmlFormId)`` to ``{"xml": str, "submissions":
    [...]}``; ``token`` is valid, ``readonly_token`` authenticates without rights (403)."""

    def __init__(self, token: str, forms: dict, readonly_token: str = "no-rights"):
        super().__init__()
        self.token, self.forms, self.readonly_token = token, forms, readonly_token

    def expected_auth(self) -> str:
        return f"Bearer {self.token}"

    def answer(self, path, query, auth):
        if auth == f"Bearer {self.readonly_token}":
            return 403, {"code": 403.1, "message": "The authenticated actor does not have "
                         "rights to perform that action."}, "application/json"
        if auth != self.expected_auth():
            return 401, {"code": 401.2, "message": "Could not authenticate with the provided "
                         "credentials."}, "application/json"
        found = re.fullmatch(r"/v1/projects/(\d+)/forms/([^/]+?)(\.xml|\.svc/Submissions)", path)
        key = (found.group(1), found.group(2)) if found else None
        if key not in self.forms:
            return 404, {"code": 404.1, "message": "Could not find the resource you were "
                         "looking for."}, "application/json"
        form = self.forms[key]
        if found.group(3) == ".xml":
            return 200, form["xml"].encode(), "application/xml"
        verdict = self._data_request()
        if verdict is None:
            return None
        if verdict:
            return verdict, {"code": 500.1, "message": "Internal error"}, "application/json"
        rows = form["submissions"]
        if "$filter" in query:
            since = re.fullmatch(r"__system/submissionDate ge (\S+) or __system/updatedAt ge "
                                 r"(\S+)", query["$filter"]).group(1)
            rows = [r for r in rows if r["__system"]["submissionDate"] >= since
                    or (r["__system"]["updatedAt"] or "") >= since]
        skip = (json.loads(base64.b64decode(query["$skiptoken"]))["skip"]
                if "$skiptoken" in query else int(query.get("$skip", 0)))
        top = int(query.get("$top", len(rows) or 1))
        page = {"@odata.context": f"{self.url}/v1/projects/{key[0]}/forms/{key[1]}.svc/"
                "$metadata#Submissions", "value": rows[skip:skip + top]}
        if query.get("$count") == "true":
            page["@odata.count"] = len(rows)
        if skip + top < len(rows):
            token = base64.b64encode(json.dumps({"skip": skip + top}).encode()).decode()
            keep = {k: v for k, v in query.items() if k not in ("$skip", "$skiptoken")}
            page["@odata.nextLink"] = f"{self.url}{path}?{urlencode({**keep, '$skiptoken': token})}"
        return 200, page, "application/json"


class SmtpServer:
    """aiosmtpd on 127.0.0.1 and a free port; ``messages`` holds what it received
    (``email.message.EmailMessage``)."""

    def __init__(self):
        from email import message_from_bytes, policy

        from aiosmtpd.controller import Controller

        owner = self
        self.messages = []

        class Handler:
            async def handle_DATA(self, _server, _session, envelope):   # noqa: N802
                owner.messages.append(message_from_bytes(envelope.content,
                                                         policy=policy.default))
                return "250 OK"

        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *_exc):
        self.controller.stop()


def free_closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (a server that is down)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

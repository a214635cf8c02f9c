"""The SMS webhook's logic (the HTTP route is ``ui/hooks.py``): checks, the report, the
answer.

``POST /hooks/sms/<gateway>`` (``rapidpro`` or ``generic``) is answered by
:meth:`Webhook.handle` with an HTTP status and a JSON object ``{"status", "reason",
"reply"}``: ``reply`` is the text the gateway can send back to the sender (RapidPro:
``@webhook.json.reply``). In order:

1. the gateway must be known (404) and the webhook configured — a shared secret and a
   pseudonym key in the settings (503 otherwise);
2. the whole app's rate limit (a token bucket of :data:`GLOBAL_BURST` requests refilled at
   :data:`GLOBAL_PER_SECOND` a second; 429);
3. the body at most :data:`MAX_BODY` bytes (413; the route stops reading past it);
4. authentication, compared in constant time (401): either an HMAC-SHA256 signature of
   ``"<timestamp>." + body`` with the shared secret in ``X-Veille-Signature: sha256=<hex>``
   and ``X-Veille-Timestamp`` (Unix seconds, within :data:`SIGNATURE_WINDOW` seconds), or
   the shared secret itself in ``X-Veille-Secret`` (what RapidPro's webhook node and most
   gateways can send: a fixed header), or in the form field ``secret`` (Telerivet);
5. the body a form or a JSON object with a sender, a message id and a text (400);
6. the sender's own rate limit, by pseudonym (:data:`SENDER_BURST` messages, one more
   every :data:`SENDER_SECONDS` seconds; 429, with a reply);
7. a message id already received is a replay (409);
8. the message is read (:func:`geo.intake.sms.parse`): understood, it becomes an
   unverified tension report (source ``sms``, placed at its cercle and no finer, free text
   screened for personal data by the importer) in one transaction with the message's
   record (the replay guard: gateway, time, reporter code, outcome — never the number nor
   the text) and an audit entry (``sms_batch``); not understood, the record alone, and a
   reply with the expected form (200 both).

Nothing a request holds can raise out of :meth:`Webhook.handle`: every refusal is an
answer and is counted by reason (:meth:`Webhook.counts`). Counters and rate limits live in
the process: with N replicas behind a proxy each keeps its own, so the global limit is N
times :data:`GLOBAL_BURST` — cap the whole at the proxy (nginx ``limit_req`` on
``/hooks/``) when that matters; the replay guard is in the store and holds across
replicas.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.records import audit, store
from geo.records.roles import ANALYST, Actor
from geo.reference.gazetteer import Gazetteer
from geo.ingest import Locator, import_frame
from geo.intake import sms

log = logging.getLogger("veille.intake")

MAX_BODY = 16 * 1024
SIGNATURE_WINDOW = 300
GLOBAL_BURST, GLOBAL_PER_SECOND = 120, 2.0
SENDER_BURST, SENDER_SECONDS = 5, 360.0
#: A message sent more than this many days before it arrives is dated on its arrival.
MAX_DELAY_DAYS = 30
REASONS = ("received", "rejected", "not_understood", "not_found", "not_configured",
           "too_large", "unauthorised", "malformed", "rate_limited", "replayed", "error")


@dataclass(frozen=True)
class Answer:
    status: int
    payload: dict


class TokenBucket:
    """Token buckets by key: ``burst`` tokens, refilled at ``rate`` a second; at most
    ``max_keys`` keys are kept (the fullest are forgotten first: a full bucket is the
    same as a new one)."""

    def __init__(self, burst: float, rate: float, max_keys: int = 50_000):
        self.burst, self.rate, self.max_keys = burst, rate, max_keys
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float) -> bool:
        """Take one token for ``key`` at time ``now`` (seconds); False when empty."""
        with self._lock:
            tokens, at = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + max(0.0, now - at) * self.rate)
            ok = tokens >= 1.0
            self._buckets[key] = (tokens - 1.0 if ok else tokens, now)
            if len(self._buckets) > self.max_keys:
                for stale in [k for k, (n, _) in self._buckets.items()
                              if n + (now - self._buckets[k][1]) * self.rate >= self.burst]:
                    del self._buckets[stale]
            return ok


def actor(gateway: str) -> Actor:
    """Who a gateway's reports are written by in the audit log."""
    return Actor(f"sms:{gateway}", ANALYST, f"SMS ({gateway})", "webhook")


class Webhook:
    """One app process's SMS webhook over ``engine``, with the shared ``secret`` and the
    pseudonym ``key`` (either None: the webhook answers 503)."""

    def __init__(self, engine: Engine, secret: str | None, key: str | None, *,
                 gazetteer: Gazetteer | None = None, locator: Locator | None = None):
        self.engine, self.secret, self.key = engine, secret, key
        self.gazetteer = gazetteer or Gazetteer.default()
        self.locator = locator or Locator()
        self.global_bucket = TokenBucket(GLOBAL_BURST, GLOBAL_PER_SECOND, 1)
        self.senders = TokenBucket(SENDER_BURST, 1.0 / SENDER_SECONDS)
        self._counts: Counter = Counter()
        self._lock = threading.Lock()

    def counts(self) -> dict[str, int]:
        """Answers given since the process started, by reason."""
        with self._lock:
            return dict(self._counts)

    def _answer(self, status: int, reason: str, gateway: str, reply: str | None = None,
                **extra) -> Answer:
        with self._lock:
            self._counts[reason] += 1
        log.info("sms webhook %s: %s (%d)", gateway[:16], reason, status)
        refused = status >= 300
        return Answer(status, {"status": "refused" if refused else reason, "reason": reason,
                               "reply": reply, **extra})

    def _authentic(self, headers: Mapping[str, str], body: bytes, fields: dict | None,
                   now: float) -> bool:
        secret = self.secret.encode()
        signature = headers.get("x-veille-signature", "")
        if signature:
            stamp = headers.get("x-veille-timestamp", "")
            if not stamp.isdigit() or abs(now - int(stamp)) > SIGNATURE_WINDOW:
                return False
            expected = hmac.new(secret, stamp.encode() + b"." + body, hashlib.sha256)
            return hmac.compare_digest(signature.removeprefix("sha256=").strip().encode(),
                                       expected.hexdigest().encode())
        given = headers.get("x-veille-secret") or (fields or {}).get("secret") or ""
        return bool(given) and hmac.compare_digest(str(given).encode(), secret)

    def handle(self, gateway: str, headers: Mapping[str, str], body: bytes,
               content_type: str = "", now: float | None = None) -> Answer:
        """Answer one request (module docstring). ``headers`` with lower-case names."""
        now = time.time() if now is None else now
        gateway = str(gateway)
        try:
            return self._handle(gateway, headers, body, content_type, now)
        except Exception:   # noqa: BLE001 - a request never crashes the server; logged
            log.exception("sms webhook: unexpected failure")
            return self._answer(500, "error", gateway)

    def _handle(self, gateway, headers, body, content_type, now) -> Answer:
        if gateway not in sms.GATEWAYS:
            return self._answer(404, "not_found", "?")
        if not self.secret or not self.key:
            return self._answer(503, "not_configured", gateway)
        if not self.global_bucket.take("*", now):
            return self._answer(429, "rate_limited", gateway)
        if len(body) > MAX_BODY:
            return self._answer(413, "too_large", gateway)
        try:
            fields = sms.body_fields(body, content_type)
        except sms.PayloadError:
            fields = None
        if not self._authentic(headers, body, fields, now):
            return self._answer(401, "unauthorised", gateway)
        if fields is None:
            return self._answer(400, "malformed", gateway)
        try:
            message = sms.inbound(gateway, fields)
        except sms.PayloadError:
            return self._answer(400, "malformed", gateway)
        reporter = sms.pseudonym(message.sender, self.key)
        lang = sms.KEYWORDS.get((message.text.split() or [""])[0].lower(), "fr")
        if not self.senders.take(reporter, now):
            return self._answer(429, "rate_limited", gateway,
                                sms.reply(sms.Parsed(lang), "rate_limited"))
        key = sms.message_key(gateway, message.message_id)
        parsed = (sms.parse_fields(message.fields, self.gazetteer, lang) if message.fields
                  else sms.parse(message.text, self.gazetteer, lang))
        try:
            outcome = self._store(message, key, reporter, parsed, now)
        except sa.exc.IntegrityError:
            outcome = None                 # the same message id, stored meanwhile
        if outcome is None:
            return self._answer(409, "replayed", gateway)
        if outcome == "not_understood":
            return self._answer(200, outcome, gateway, sms.reply(parsed, outcome))
        if outcome == "rejected":
            return self._answer(200, outcome, gateway, sms.reply(parsed, "personal"))
        cercle = self.gazetteer.resolve(parsed.cercle_id, "cercle").place
        return self._answer(200, outcome, gateway,
                            sms.reply(parsed, "received", cercle=cercle.name_fr),
                            reporter=reporter)

    def _store(self, message: sms.Inbound, key: str, reporter: str, parsed: sms.Parsed,
               now: float) -> str | None:
        """Store the message's record (and its report when understood) in one transaction;
        its outcome, or None when the message id was already received."""
        received = datetime.fromtimestamp(now, timezone.utc)
        record = {"message_key": key, "gateway": message.gateway, "received_at": received,
                  "reporter": reporter, "lang": parsed.lang}
        with self.engine.connect() as conn:
            if conn.execute(sa.select(store.sms_message.c.message_key)
                            .where(store.sms_message.c.message_key == key)).first():
                return None
        who = actor(message.gateway)
        if parsed.problem:
            with store.writing(self.engine, "tensions") as conn:
                conn.execute(store.sms_message.insert().values(
                    outcome="not_understood", **record))
                audit.record(conn, who, "sms_batch", target=message.gateway,
                             details={"not_understood": 1, "problem": parsed.problem,
                                      "reporter": reporter})
            return "not_understood"
        today = received.date()
        sent = message.sent_at.date() if message.sent_at else today
        occurred = sent if today - timedelta(days=MAX_DELAY_DAYS) <= sent <= today else today
        report_id = f"sms:{key[:24]}"
        frame = pd.DataFrame([{
            "report_id": report_id, "source_type": "sms", "occurred_on": occurred.isoformat(),
            "reported_on": today.isoformat(), "cercle": parsed.cercle_id,
            "location_precision": "cercle", "category": parsed.category,
            "severity": parsed.severity, "summary": parsed.text,
            "verification": "unverified", "status": "open"}], dtype=object)
        outcome = {}

        def within(conn, report):
            outcome["value"] = "received" if report.accepted else "rejected"
            conn.execute(store.sms_message.insert().values(
                outcome=outcome["value"], report_id=report_id if report.accepted else None,
                batch_id=report.batch_id, **record))
            audit.record(conn, who, "sms_batch", target=message.gateway,
                         records={"batch": report.batch_id, "reports":
                                  [report_id] if report.accepted else []},
                         details={"received": report.accepted, "rejected": report.rejected,
                                  "reporter": reporter})

        import_frame(self.engine, "tensions", frame, [1], f"sms: {message.gateway}", key,
                     actor=who, locator=self.locator, today=today, source_format="sms",
                     within=within)
        return outcome["value"]


def messages(engine: Engine, since: date | None = None, by_day: bool = True) -> pd.DataFrame:
    """The SMS messages received (for the Data page): per day (unless ``by_day`` is false),
    gateway and outcome, the number of messages and of distinct reporters (pseudonymous
    codes)."""
    t_ = store.sms_message
    query = sa.select(t_.c.received_at, t_.c.gateway, t_.c.outcome, t_.c.reporter)
    if since is not None:
        query = query.where(t_.c.received_at >= datetime.combine(since, datetime.min.time(),
                                                                 timezone.utc))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    keys = (["day"] if by_day else []) + ["gateway", "outcome"]
    frame = pd.DataFrame(rows, columns=["received_at", "gateway", "outcome", "reporter"])
    if frame.empty:
        return pd.DataFrame(columns=[*keys, "messages", "reporters"])
    frame["day"] = pd.to_datetime(frame["received_at"], utc=True).dt.date
    return (frame.groupby(keys)
            .agg(messages=("reporter", "size"), reporters=("reporter", "nunique"))
            .reset_index())

"""Alerts that reach people: subscriptions, the alert e-mails and the daily digest, the
outbox and its delivery over SMTP.

**Subscriptions** (:func:`subscribe`): a user (by e-mail) chooses areas — regions and
cercles (``region:ML05``, ``cercle:mli-mopti``; none = all of Mali) — kinds of alert from
:data:`KINDS` and a language. A user sets their own; an administrator anyone's. Every change
is audited.

**Kinds**: ``baseline`` — a cercle's reports over 14 or 30 days above the 99 % Poisson
bound of its own past year (:func:`geo.analysis.monitor.alerts`); ``hotspot`` — a cercle that is a
99 % Getis-Ord Gi* hot spot of the last 90 days (:func:`geo.analysis.monitor.hotspots`);
``trigger`` — the triggers agreed in advance that are in force
(:func:`trigger_alerts`, :mod:`geo.analysis.triggers`), each with its agreed response;
``digest`` — the daily digest.

**Newly fired alerts** (:func:`queue_alerts`): an alert has a key (``kind:cercle:window``);
it is notified again only when it was not notified within its cool-down (its window for a
baseline alert, :data:`HOTSPOT_COOLDOWN_DAYS` for a hot spot), so a lasting alert does not
mail every day. Each subscriber whose areas and kinds match gets one e-mail listing the new
alerts, in their language, with the figures and a link to the monitor
(``<public_url>/monitor?section=alerts&cercle=<id>``). The e-mails and the notice of each
alert are written in one transaction.

**The digest** (:func:`queue_digest`): once a day per subscriber — reports of the last day
and of the last 7 days in their areas (by category), reports awaiting verification, the
alerts and 99 % hot spots in force, and a link.

No message holds personal data: figures per place only — never a report's free text, a
mediator or an informant (reports are counted, not quoted). Texts come from the
translations, every value is escaped in the HTML part.

**Delivery** (:func:`deliver`): the queued messages go out over SMTP (STARTTLS, implicit
TLS or none, with a login when configured). A failure is recorded on the message (attempts,
last error, logged) and retried after 1, 2, 4… minutes (at most 6 hours), and marked
``failed`` after :data:`MAX_ATTEMPTS` attempts — never lost silently.
"""

from __future__ import annotations

import json
import logging
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from urllib.parse import urlencode

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.records import audit, roles, store
from geo.analysis import monitor
from geo.reference import units
from geo.records.roles import Actor
from geo.i18n import format_date, format_number, format_significant, t
from geo.outputs.escape import for_html
from geo.records.fields import enum_label
from geo.settings import Smtp
from geo.analysis import triggers as rules
from geo.records import triggers

log = logging.getLogger("veille.notify")

KINDS = ("baseline", "hotspot", "trigger", "digest")
LANGUAGES = ("fr", "en")
HOTSPOT_WINDOW_DAYS = 90
HOTSPOT_COOLDOWN_DAYS = 30
MAX_ATTEMPTS = 6
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


class SubscriptionError(ValueError):
    """A refused subscription; ``code`` (and ``value``) are translated by the screen."""

    def __init__(self, code: str, value: str = ""):
        super().__init__(code)
        self.code, self.value = code, value


# --------------------------------------------------------------------------- subscriptions

def _areas_known() -> set[str]:
    return {f"region:{r}" for r in units.load_regions()["region_id"]} | \
        {f"cercle:{c}" for c in units.load_cercles()["cercle_id"]}


def subscribe(engine: Engine, actor: Actor, principal: str, areas: list[str],
              kinds: list[str], language: str = "fr") -> int:
    """Set ``principal``'s subscription (an e-mail address: where the messages go); return
    its id. A user sets their own (``actor.label``), an administrator anyone's. Audited.

    Raises
    ------
    SubscriptionError
        ``email``, ``area``, ``kind``, ``language`` (invalid values).
    roles.AccessDenied
        When ``actor`` may not set it.
    """
    email = str(principal or "").strip().lower()
    if not _EMAIL.match(email) or len(email) > 254:
        raise SubscriptionError("email")
    roles.require(actor, "view" if email == actor.label.lower() else "manage_roles")
    known = _areas_known()
    for area in areas:
        if area not in known:
            raise SubscriptionError("area", str(area)[:80])
    for kind in kinds:
        if kind not in KINDS:
            raise SubscriptionError("kind", str(kind)[:40])
    if language not in LANGUAGES:
        raise SubscriptionError("language", str(language)[:8])
    values = dict(language=language, areas=json.dumps(sorted(set(areas))),
                  kinds=json.dumps([k for k in KINDS if k in kinds]), updated_by=actor.label,
                  updated_at=datetime.now(timezone.utc))
    s = store.subscription
    with store.writing(engine) as conn:
        before = conn.execute(sa.select(s).where(s.c.principal == email)).first()
        if before is None:
            sid = conn.execute(s.insert().values(principal=email, **values)
                               ).inserted_primary_key[0]
        else:
            sid = before.subscription_id
            conn.execute(s.update().where(s.c.subscription_id == sid).values(**values))
        audit.record(conn, actor, "subscription_set", target=email, details={
            "before": None if before is None else {
                "areas": json.loads(before.areas), "kinds": json.loads(before.kinds),
                "language": before.language},
            "after": {"areas": json.loads(values["areas"]),
                      "kinds": json.loads(values["kinds"]), "language": language}})
    return sid


def unsubscribe(engine: Engine, actor: Actor, principal: str) -> bool:
    """Remove ``principal``'s subscription; True when there was one. Audited."""
    email = str(principal or "").strip().lower()
    roles.require(actor, "view" if email == actor.label.lower() else "manage_roles")
    s = store.subscription
    with store.writing(engine) as conn:
        gone = conn.execute(s.delete().where(s.c.principal == email)).rowcount
        if gone:
            audit.record(conn, actor, "subscription_removed", target=email)
    return bool(gone)


def subscriptions(engine: Engine) -> pd.DataFrame:
    """Every subscription: ``subscription_id``, ``principal``, ``language``, ``areas`` and
    ``kinds`` (lists), ``updated_by``, ``updated_at``."""
    s = store.subscription
    with engine.connect() as conn:
        rows = conn.execute(sa.select(s).order_by(s.c.principal)).all()
    frame = pd.DataFrame(rows, columns=[c.name for c in s.columns])
    for name in ("areas", "kinds"):
        frame[name] = [json.loads(v) for v in frame[name]]
    return frame


# --------------------------------------------------------------------------- alerts

@dataclass(frozen=True)
class Alert:
    """One fired alert of a cercle: ``kind`` (``baseline``, ``hotspot``, ``trigger``), the
    window in days, the figures shown (``observed``, ``expected``, ``ratio``, ``p_value`` of
    a baseline alert; ``reports`` and ``gi_z`` of a hot spot)."""

    kind: str
    cercle_id: str
    window_days: int
    figures: dict = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        kind = self.kind
        if kind == "trigger" and "trigger_id" in self.figures:    # one key per trigger
            kind = f"trigger{self.figures['trigger_id']}"
        return f"{kind}:{self.cercle_id}:{self.window_days}"

    @property
    def cooldown_days(self) -> int:
        return HOTSPOT_COOLDOWN_DAYS if self.kind == "hotspot" else self.window_days


def fired(tensions: pd.DataFrame, as_of: date, *, permutations: int = monitor.PERMUTATIONS,
          triggers: list[Alert] = ()) -> list[Alert]:
    """The alerts in force on ``as_of``: baseline alerts (14 and 30 days), 99 % hot spots
    of the last :data:`HOTSPOT_WINDOW_DAYS` days, and the ``triggers`` given."""
    out = [Alert("baseline", r.cercle_id, int(r.window_days),
                 {"observed": int(r.observed), "expected": float(r.expected),
                  "ratio": float(r.ratio), "p_value": float(r.p_value)})
           for r in monitor.alerts(tensions, as_of).itertuples()]
    hot = monitor.hotspots(tensions, as_of, HOTSPOT_WINDOW_DAYS, permutations=permutations)
    out += [Alert("hotspot", r.unit_id, HOTSPOT_WINDOW_DAYS,
                  {"reports": int(r.value), "gi_z": float(r.gi_z)})
            for r in hot[hot["class"] == "hot_99"].itertuples()]
    return out + list(triggers)


def trigger_alerts(engine: Engine, tensions: pd.DataFrame, as_of: date,
                   table: pd.DataFrame | None = None) -> list[Alert]:
    """The triggers in force on ``as_of`` (:func:`geo.analysis.triggers.fired_now`), one
    alert per trigger and cercle, its window the trigger's horizon (its cool-down), its line
    the trigger's name and agreed response (in French: the subscriber's language is not known
    here, and a trigger's name is the same in both); ``table``: the indicator table of
    ``as_of`` (forecast triggers are left out without it)."""

    regions = _region_of()
    out = []
    for trigger in triggers.listing(engine):
        if trigger.kind == "forecast" and table is None:
            continue
        what = f"{trigger.name} — {rules.response_text(trigger, 'fr')}"
        for r in rules.fired_now(trigger, tensions, regions, as_of, table).itertuples():
            out.append(Alert("trigger", r.cercle_id, trigger.horizon_days,
                             {"trigger_id": trigger.trigger_id, "what": what}))
    return out


def _region_of() -> dict[str, str]:
    return units.load_cercles()["region_id"].to_dict()


def _covers(areas: list[str], cercle_id: str, regions: dict[str, str]) -> bool:
    return not areas or f"cercle:{cercle_id}" in areas \
        or f"region:{regions.get(cercle_id)}" in areas


def link(public_url: str, lang: str, **params) -> str:
    """A link to the monitor for an e-mail (the language kept when English)."""
    query = {**params, **({"lang": "en"} if lang == "en" else {})}
    return f"{public_url.rstrip('/')}/monitor?{urlencode(query)}"


def _alert_lines(alert: Alert, lang: str, names: dict[str, str]) -> str:
    f = alert.figures
    name = names.get(alert.cercle_id, alert.cercle_id)
    if alert.kind == "baseline":
        p = ("< " + format_number(0.0001, lang, 4) if f["p_value"] < 0.0001
             else "= " + format_number(f["p_value"], lang, 4))
        return t("notify.line.baseline", lang, cercle=name, days=alert.window_days,
                 observed=format_number(f["observed"], lang),
                 expected=format_significant(f["expected"], lang, 2),
                 ratio=format_number(f["ratio"], lang, 0), p=p)
    if alert.kind == "hotspot":
        return t("notify.line.hotspot", lang, cercle=name, days=alert.window_days,
                 reports=format_number(f["reports"], lang),
                 z=format_number(f["gi_z"], lang, 2))
    return t("notify.line.trigger", lang, cercle=name, what=str(f.get("what", "")))


def _mail(lang: str, subject: str, intro: str, lines: list[tuple[str, str]],
          footer: str) -> tuple[str, str, str]:
    """Subject, plain text and HTML of a message: ``lines`` are (text, link) pairs."""
    text = "\n".join([intro, "", *(f"- {line}\n  {url}" for line, url in lines), "", footer])
    items = "".join(f'<li>{for_html(line)}<br><a href="{for_html(url)}">'
                    f"{for_html(url)}</a></li>" for line, url in lines)
    body = (f'<html><body><p>{for_html(intro)}</p><ul>{items}</ul>'
            f'<p style="color:#555">{for_html(footer)}</p></body></html>')
    return subject, text, body


def compose_alerts(alerts: list[Alert], lang: str, public_url: str,
                   as_of: date) -> tuple[str, str, str]:
    """An alert e-mail in ``lang``: subject, text and HTML."""
    names = units.load_cercles()["cercle_fr"].to_dict()
    lines = [(_alert_lines(a, lang, names),
              link(public_url, lang, section="hotspots" if a.kind == "hotspot" else "alerts",
                   cercle=a.cercle_id, asof=as_of.isoformat()))
             for a in alerts]
    subject = t("notify.alert.subject", lang, n=len(alerts),
                date=format_date(as_of, lang))
    return _mail(lang, subject, t("notify.alert.intro", lang, date=format_date(as_of, lang)),
                 lines, t("notify.footer", lang))


def _queue(conn, sub, kind: str, message: tuple[str, str, str], now: datetime) -> None:
    subject, text, body = message
    conn.execute(store.outbox.insert().values(
        subscription_id=sub.subscription_id, recipient=sub.principal, kind=kind,
        subject=subject[:255], body_text=text, body_html=body, status="queued", attempts=0,
        created_at=now, next_attempt_at=now))


def queue_alerts(engine: Engine, as_of: date, public_url: str, *,
                 tensions: pd.DataFrame | None = None,
                 permutations: int = monitor.PERMUTATIONS,
                 triggers: list[Alert] = ()) -> dict:
    """Find the alerts newly fired on ``as_of`` and queue one e-mail per matching
    subscriber; return ``{"fired", "new", "queued"}``. Alerts and e-mails commit together."""
    if tensions is None:
        tensions = store.load_records(engine, "tensions")
    alerts = fired(tensions, as_of, permutations=permutations, triggers=triggers)
    regions = _region_of()
    now = datetime.now(timezone.utc)
    n = store.alert_notice
    queued = 0
    with store.writing(engine) as conn:
        earliest = as_of - timedelta(days=max([a.cooldown_days for a in alerts] or [0]))
        recent = conn.execute(sa.select(n.c.alert_key, n.c.fired_on)
                              .where(n.c.fired_on > earliest)).all()
        last = {}
        for key, day in recent:
            last[key] = max(last.get(key, day), day)
        new = [a for a in alerts if not (a.key in last and
                                         last[a.key] > as_of - timedelta(days=a.cooldown_days))]
        for sub in conn.execute(sa.select(store.subscription)).all():
            kinds, areas = json.loads(sub.kinds), json.loads(sub.areas)
            mine = [a for a in new if a.kind in kinds and _covers(areas, a.cercle_id, regions)]
            if mine:
                _queue(conn, sub, "alert",
                       compose_alerts(mine, sub.language, public_url, as_of), now)
                queued += 1
        if new:
            conn.execute(n.insert(), [{"alert_key": a.key, "fired_on": as_of, "noticed_at": now}
                                      for a in new])
    return {"fired": len(alerts), "new": len(new), "queued": queued}


def digest_figures(tensions: pd.DataFrame, as_of: date, areas: list[str],
                   alerts: list[Alert]) -> dict:
    """The digest's figures over a subscriber's ``areas``: reports of the last day and of
    the last 7 days (ending on ``as_of``, by category), reports awaiting verification, the
    alerts and hot spots in force."""
    regions = _region_of()
    if tensions is None or not len(tensions):
        mine = pd.DataFrame(columns=["occurred_on", "category", "verification", "cercle_id",
                                     "region_id"])
    else:
        keep = [not areas or (c is not None and _covers(areas, c, regions))
                or (c is None and f"region:{r}" in areas)
                for c, r in zip(tensions["cercle_id"], tensions["region_id"])]
        mine = tensions[keep]
    day = pd.to_datetime(mine["occurred_on"])
    end = pd.Timestamp(as_of)
    counted = mine["verification"] != "false"
    week = mine[(day > end - pd.Timedelta(days=7)) & (day <= end) & counted]
    return {
        "day": int(((day > end - pd.Timedelta(days=1)) & (day <= end) & counted).sum()),
        "week": len(week),
        "week_by_category": week["category"].value_counts().sort_index().to_dict(),
        "unverified": int((mine["verification"] == "unverified").sum()),
        "alerts": [a for a in alerts if _covers(areas, a.cercle_id, regions)],
    }


def compose_digest(figures: dict, lang: str, public_url: str,
                   as_of: date) -> tuple[str, str, str]:
    """The daily digest in ``lang``: subject, text and HTML."""
    names = units.load_cercles()["cercle_fr"].to_dict()
    lines = [(t("notify.digest.reports", lang, day=format_number(figures["day"], lang),
                week=format_number(figures["week"], lang)),
              link(public_url, lang, section="trends", asof=as_of.isoformat()))]
    if figures["week_by_category"]:
        lines.append((t("notify.digest.categories", lang, list=", ".join(
            f"{enum_label('tensions', 'category', k, lang)} {format_number(v, lang)}"
            for k, v in figures["week_by_category"].items())),
            link(public_url, lang, section="trends", asof=as_of.isoformat())))
    lines.append((t("notify.digest.unverified", lang,
                    n=format_number(figures["unverified"], lang)),
                  link(public_url, lang, section="queue")))
    lines += [(_alert_lines(a, lang, names),
               link(public_url, lang, section="hotspots" if a.kind == "hotspot" else "alerts",
                    cercle=a.cercle_id, asof=as_of.isoformat()))
              for a in figures["alerts"]]
    if not figures["alerts"]:
        lines.append((t("notify.digest.no_alert", lang),
                      link(public_url, lang, section="alerts", asof=as_of.isoformat())))
    subject = t("notify.digest.subject", lang, date=format_date(as_of, lang))
    return _mail(lang, subject, t("notify.digest.intro", lang, date=format_date(as_of, lang)),
                 lines, t("notify.footer", lang))


def queue_digest(engine: Engine, as_of: date, public_url: str, *,
                 tensions: pd.DataFrame | None = None,
                 permutations: int = monitor.PERMUTATIONS) -> dict:
    """Queue the daily digest of ``as_of`` for every subscriber who wants it and has not
    had that day's; return ``{"queued"}``."""
    if tensions is None:
        tensions = store.load_records(engine, "tensions")
    alerts = fired(tensions, as_of, permutations=permutations)
    now = datetime.now(timezone.utc)
    n = store.alert_notice
    queued = 0
    with store.writing(engine) as conn:
        for sub in conn.execute(sa.select(store.subscription)).all():
            if "digest" not in json.loads(sub.kinds):
                continue
            key = f"digest:{sub.subscription_id}"
            if conn.execute(sa.select(n.c.notice_id).where(
                    (n.c.alert_key == key) & (n.c.fired_on == as_of))).first():
                continue
            figures = digest_figures(tensions, as_of, json.loads(sub.areas), alerts)
            _queue(conn, sub, "digest",
                   compose_digest(figures, sub.language, public_url, as_of), now)
            conn.execute(n.insert().values(alert_key=key, fired_on=as_of, noticed_at=now))
            queued += 1
    return {"queued": queued}


# --------------------------------------------------------------------------- delivery

def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt after ``attempts`` failures: 1, 2, 4… minutes, at most
    6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _connect(smtp: Smtp, timeout: float) -> smtplib.SMTP:
    if smtp.security == "ssl":
        server = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        if smtp.security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if smtp.user:
        server.login(smtp.user, smtp.password or "")
    return server


def _error_text(exc: Exception) -> str:
    """What is kept of a failure: its kind and the server's words (never a password)."""
    return f"{type(exc).__name__}: {str(exc)[:300]}"


def deliver(engine: Engine, smtp: Smtp | None, *, now: datetime | None = None,
            timeout: float = 30.0, limit: int = 500) -> dict:
    """Send the queued messages that are due over ``smtp``; return ``{"sent", "retry",
    "failed"}``. Each failure is recorded on its message (attempts, last error) and logged;
    without an SMTP server configured nothing is sent and the messages wait."""
    now = now or datetime.now(timezone.utc)
    o = store.outbox
    with engine.connect() as conn:
        due = conn.execute(sa.select(o).where((o.c.status == "queued")
                                              & (o.c.next_attempt_at <= now))
                           .order_by(o.c.message_id).limit(limit)).all()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not due or smtp is None:
        return counts
    server, problem = None, None
    try:
        server = _connect(smtp, timeout)
    except (OSError, smtplib.SMTPException) as exc:
        problem = _error_text(exc)
    for message in due:
        error = problem
        if error is None:
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = smtp.sender, message.recipient, \
                message.subject
            mail.set_content(message.body_text)
            mail.add_alternative(message.body_html, subtype="html")
            try:
                server.send_message(mail)
            except (OSError, smtplib.SMTPException) as exc:
                error = _error_text(exc)
        attempts = message.attempts + 1
        if error is None:
            values = dict(status="sent", attempts=attempts, sent_at=now, last_error=None)
            counts["sent"] += 1
        else:
            final = attempts >= MAX_ATTEMPTS
            log.warning("e-mail %s to subscription %s not sent (attempt %d%s): %s",
                        message.message_id, message.subscription_id, attempts,
                        ", given up" if final else "", error)
            values = dict(status="failed" if final else "queued", attempts=attempts,
                          last_error=error, next_attempt_at=now + backoff(attempts))
            counts["failed" if final else "retry"] += 1
        with store.writing(engine) as conn:
            conn.execute(o.update().where(o.c.message_id == message.message_id)
                         .values(**values))
    if server is not None:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return counts


def outbox(engine: Engine) -> pd.DataFrame:
    """The outbox without the bodies, newest first: ``message_id``, ``recipient``, ``kind``,
    ``subject``, ``status``, ``attempts``, ``created_at``, ``sent_at``, ``last_error``."""
    o = store.outbox
    cols = ["message_id", "recipient", "kind", "subject", "status", "attempts", "created_at",
            "next_attempt_at", "sent_at", "last_error"]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*[o.c[c] for c in cols])
                            .order_by(o.c.message_id.desc())).all()
    return pd.DataFrame(rows, columns=cols)

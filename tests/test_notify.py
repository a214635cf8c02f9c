"""Alert e-mails: subscriptions, newly fired alerts, the digest, delivery to a local SMTP
server started by the tests, retries when it is down."""

import json
import logging
from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest

from geo.records import audit, roles
from geo.analysis import monitor
from geo.outputs import notify
from geo.settings import Smtp
from tests.intake_servers import SmtpServer, free_closed_port
from tests.support import ADMIN, ANALYST, VIEWER

AS_OF = date(2026, 11, 20)
PUBLIC = "https://veille.example.org"


def tensions() -> pd.DataFrame:
    """Mopti: 6 reports in the last 14 days and none the year before (an alert over 14 and
    30 days); Gao: 1 (not an alert: P(X ≥ 1) = 0.019 > 0.01); Kayes: 2 a year ago."""
    rows = [(f"M{i}", date(2026, 11, 10 + i), "mli-mopti", "ML05", "clash", 3, "unverified",
             "Moussa Keita a vu la scène") for i in range(6)]
    rows += [("G1", date(2026, 11, 20), "mli-gao", "ML07", "protest", 1, "verified", None),
             ("K1", date(2025, 12, 1), "mli-kayes", "ML01", "clash", 2, "verified", None),
             ("K2", date(2025, 12, 2), "mli-kayes", "ML01", "clash", 2, "false", None)]
    return pd.DataFrame(rows, columns=["report_id", "occurred_on", "cercle_id", "region_id",
                                       "category", "severity", "verification", "summary"]
                        ).assign(commune_id=None)


@pytest.fixture
def subscribed(engine):
    notify.subscribe(engine, ANALYST, "analyst@example.org", ["region:ML05"], ["baseline"],
                     "fr")
    notify.subscribe(engine, VIEWER, "viewer@example.org", ["cercle:mli-mopti"],
                     ["baseline", "digest"], "en")
    notify.subscribe(engine, ADMIN, "kayes@example.org", ["region:ML01"],
                     ["baseline", "hotspot"], "fr")
    return engine


def test_subscriptions_are_checked_owned_and_audited(engine):
    sid = notify.subscribe(engine, VIEWER, "Viewer@Example.org", ["cercle:mli-mopti"],
                           ["baseline"], "en")
    assert notify.subscribe(engine, VIEWER, "viewer@example.org", [], ["digest"], "fr") == sid
    frame = notify.subscriptions(engine)
    assert frame[["principal", "language", "areas", "kinds"]].values.tolist() == [
        ["viewer@example.org", "fr", [], ["digest"]]]
    with pytest.raises(roles.AccessDenied):       # someone else's: administrators only
        notify.subscribe(engine, VIEWER, "other@example.org", [], ["baseline"])
    for args, code in (((["cercle:atlantis"], ["baseline"]), "area"),
                       ((["region:ML05"], ["gossip"]), "kind")):
        with pytest.raises(notify.SubscriptionError) as err:
            notify.subscribe(engine, ADMIN, "x@example.org", *args)
        assert err.value.code == code
    with pytest.raises(notify.SubscriptionError):
        notify.subscribe(engine, ADMIN, "not an address", [], [])
    assert notify.unsubscribe(engine, VIEWER, "viewer@example.org")
    actions = audit.entries(engine, actions=["subscription_set", "subscription_removed"])
    assert actions["action"].tolist() == ["subscription_removed", "subscription_set",
                                          "subscription_set"]
    details = json.loads(actions.iloc[1]["details"])
    assert details["before"]["kinds"] == ["baseline"] and details["after"]["kinds"] == \
        ["digest"]


def test_new_alerts_are_queued_once_per_subscriber_in_their_language(subscribed):
    out = notify.queue_alerts(subscribed, AS_OF, PUBLIC, tensions=tensions(),
                              permutations=99)
    hot = monitor.hotspots(tensions(), AS_OF, notify.HOTSPOT_WINDOW_DAYS, permutations=99)
    hot_keys = sorted(hot[hot["class"] == "hot_99"]["unit_id"])
    assert out == {"fired": 2 + len(hot_keys), "new": 2 + len(hot_keys),
                   "queued": 2 + any(c.startswith("mli-") and c in
                                     {"mli-kayes", "mli-bafoulabe", "mli-diema", "mli-kenieba",
                                      "mli-kita", "mli-nioro", "mli-yelimane"}
                                     for c in hot_keys)}
    box = notify.outbox(subscribed)
    mails = box[box["kind"] == "alert"].set_index("recipient")
    assert mails.loc["analyst@example.org", "subject"] == \
        "Veille : 2 nouvelles alertes au 20/11/2026"
    assert mails.loc["viewer@example.org", "subject"] == "Veille: 2 new alerts on 20 Nov 2026"
    assert set(mails["status"]) == {"queued"}
    # a second run on the same day, and the next day while the alerts last: nothing new
    assert notify.queue_alerts(subscribed, AS_OF, PUBLIC, tensions=tensions(),
                               permutations=99)["queued"] == 0
    assert notify.queue_alerts(subscribed, AS_OF + timedelta(days=1), PUBLIC,
                               tensions=tensions(), permutations=99)["new"] == 0


def test_an_alert_e_mail_reaches_the_smtp_server_with_figures_and_link(subscribed):
    notify.queue_alerts(subscribed, AS_OF, PUBLIC, tensions=tensions(), permutations=99)
    with SmtpServer() as smtp:
        counts = notify.deliver(subscribed, Smtp("127.0.0.1", smtp.port, security="none",
                                                 sender="veille@example.org"))
        received = {m["To"]: m for m in smtp.messages}
    assert counts["sent"] == len(received) >= 2 and counts["failed"] == counts["retry"] == 0
    fr = received["analyst@example.org"]
    text = fr.get_body(("plain",)).get_content()
    assert "Mopti : 6 signalements sur 14 jours pour 0,019 attendus (× 313, p < 0,0001)" in text
    assert "Mopti : 6 signalements sur 30 jours pour 0,041 attendus (× 146, p < 0,0001)" in text
    assert (f"{PUBLIC}/monitor?section=alerts&cercle=mli-mopti&asof=2026-11-20") in text
    html_part = fr.get_body(("html",)).get_content()
    assert "section=alerts&amp;cercle=mli-mopti" in html_part
    en = received["viewer@example.org"].get_body(("plain",)).get_content()
    assert "Mopti: 6 reports over 14 days against 0.019 expected (× 313, p < 0.0001)" in en
    assert "&lang=en" in en
    for message in smtp.messages:            # figures per place only, never a report's text
        assert "Moussa" not in message.as_string()
    box = notify.outbox(subscribed)
    assert set(box["status"]) == {"sent"} and set(box["attempts"]) == {1}


def test_smtp_down_is_retried_with_backoff_recorded_and_finally_given_up(subscribed, caplog):
    notify.queue_alerts(subscribed, AS_OF, PUBLIC, tensions=tensions(), permutations=99)
    down = Smtp("127.0.0.1", free_closed_port(), security="none")
    now = datetime.now(timezone.utc) + timedelta(seconds=1)
    with caplog.at_level(logging.WARNING, "veille.notify"):
        counts = notify.deliver(subscribed, down, now=now)
    n = counts["retry"]
    assert n >= 2 and counts["sent"] == counts["failed"] == 0
    box = notify.outbox(subscribed)
    assert set(box["status"]) == {"queued"} and set(box["attempts"]) == {1}
    assert all(e.startswith("ConnectionRefusedError") for e in box["last_error"])
    assert len([r for r in caplog.records if "not sent (attempt 1)" in r.message]) == n
    assert notify.deliver(subscribed, down, now=now + timedelta(seconds=30)) == \
        {"sent": 0, "retry": 0, "failed": 0}                 # not due yet: 1 minute
    when = now
    for attempt in range(2, notify.MAX_ATTEMPTS + 1):
        when += notify.backoff(attempt - 1)
        counts = notify.deliver(subscribed, down, now=when)
    assert counts == {"sent": 0, "retry": 0, "failed": n}
    box = notify.outbox(subscribed)
    assert set(box["status"]) == {"failed"} and set(box["attempts"]) == {notify.MAX_ATTEMPTS}
    # without an SMTP server configured the messages simply wait
    assert notify.deliver(subscribed, None) == {"sent": 0, "retry": 0, "failed": 0}


def test_the_daily_digest_once_a_day_with_exact_figures(subscribed):
    figures = notify.digest_figures(tensions(), AS_OF, ["cercle:mli-mopti"], [])
    # Mopti: reports on 10..15 November; the last 7 days are 14..20 November
    assert (figures["day"], figures["week"], figures["week_by_category"],
            figures["unverified"]) == (0, 2, {"clash": 2}, 6)
    everywhere = notify.digest_figures(tensions(), AS_OF, [], [])
    assert (everywhere["day"], everywhere["week"]) == (1, 3)     # Gao's report of the 20th
    assert notify.queue_digest(subscribed, AS_OF, PUBLIC, tensions=tensions(),
                               permutations=99) == {"queued": 1}
    assert notify.queue_digest(subscribed, AS_OF, PUBLIC, tensions=tensions(),
                               permutations=99) == {"queued": 0}
    box = notify.outbox(subscribed)
    assert box[box["kind"] == "digest"]["subject"].tolist() == ["Veille: digest of 20 Nov 2026"]
    with SmtpServer() as smtp:
        notify.deliver(subscribed, Smtp("127.0.0.1", smtp.port, security="none"))
        digest = [m for m in smtp.messages if "digest" in m["Subject"]][0]
    text = digest.get_body(("plain",)).get_content()
    assert "Reports: 0 over the last day, 2 over 7 days" in text
    assert "Over 7 days: Clash 2" in text and "6 reports to verify" in text

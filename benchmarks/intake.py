"""Intake figures (indicative: the machine is shared). Prints; asserts nothing.

1. a sync of N KoboToolbox submissions (default 10,000) paged 1,000 at a time from the
   local stand-in of API v2 (``tests/intake_servers.py``), into a fresh store (target
   <= 30 s); then a re-run (nothing new) and a full re-read with 1 % edited;
2. the SMS webhook through its Starlette route (in-process HTTP client): 1,000 messages
   from 1,000 senders, throughput and the process's memory (the global rate limit is lifted
   for the measure, the per-sender one is not reached);
3. alert e-mails: queuing and delivering to a local SMTP server (aiosmtpd), per message.

    python benchmarks/intake.py [--submissions 10000] [--messages 1000] [--url postgresql+psycopg://...]
"""

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402

from geo.records import roles, store  # noqa: E402
from geo.intake import remote, sync, webhook  # noqa: E402
from tests.intake_servers import KoboServer, SmtpServer  # noqa: E402
from tests.test_intake_sync import CONTENT, kobo  # noqa: E402

TOKEN = "benchmark-token"
CERCLES = ["Mopti", "Djenné", "Timbuktu", "Gao", "Ségou", "Bandiagara", "Kidal", "Koro",
           "Nioro du Sahel", "Cercle de Kati"]
CATEGORIES = ["affront", "haine", "manif", "intimidation", "armed_group"]


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 1e6


def submissions(n: int) -> list[dict]:
    return [kobo(f"bench-{i:06d}", f"2026-{1 + i % 9:02d}-{1 + i % 28:02d}T"
                 f"{i % 24:02d}:{i % 60:02d}:00", CERCLES[i % len(CERCLES)],
                 CATEGORIES[i % len(CATEGORIES)], 1 + i % 5,
                 f"rapport de terrain {i}" if i % 3 else None)
            for i in range(n)]


def bench_sync(url: str, n: int) -> None:
    engine = store.make_engine(url)
    rows = submissions(n)
    with KoboServer(TOKEN, {"aBench": {"content": CONTENT, "submissions": rows}}) as server:
        source = remote.source("kobo", server.url, "aBench")
        actor = roles.operator()
        start = time.perf_counter()
        report = sync.sync(engine, source, TOKEN, actor, today=date(2026, 11, 29))
        total = time.perf_counter() - start
        start = time.perf_counter()
        pull = sync.fetch(source, TOKEN, None)                 # the HTTP part alone, again
        fetched = time.perf_counter() - start
        print(f"sync of {n:,} Kobo submissions ({pull.pages} pages of "
              f"{sync.kobo.PAGE_SIZE:,}): {total:.1f} s (fetching alone {fetched:.1f} s); "
              f"accepted {report.accepted:,}, rejected {report.rejected:,}")
        start = time.perf_counter()
        again = sync.sync(engine, source, TOKEN, actor, today=date(2026, 11, 29))
        print(f"re-run (incremental, nothing new): {time.perf_counter() - start:.2f} s, "
              f"{again.rows} read, {again.duplicates} duplicate(s), batch {again.batch_id}")
        for i in range(0, n, 100):
            rows[i]["grp_incident/gravite"] = str(1 + (int(rows[i]["grp_incident/gravite"])
                                                       % 5))
        start = time.perf_counter()
        full = sync.sync(engine, source, TOKEN, actor, full=True, today=date(2026, 11, 29))
        print(f"full re-read with 1 % edited: {time.perf_counter() - start:.1f} s, "
              f"{full.updated:,} updated, {full.duplicates:,} duplicates")
    engine.dispose()


def bench_webhook(url: str, n: int) -> None:
    from starlette.applications import Starlette
    from starlette.testclient import TestClient

    from ui import hooks

    os.environ.update(VEILLE_DATABASE_URL=url, VEILLE_SMS_SECRET="bench-secret",
                      VEILLE_PSEUDONYM_KEY="bench-key", VEILLE_DEMO="0")
    client = TestClient(Starlette(routes=hooks.routes()))
    body = json.dumps({"from": "+22370000000", "text": "VEILLE Mopti affrontement 3",
                       "id": "warm"})
    client.post("/hooks/sms/generic", content=body, headers={"X-Veille-Secret": "bench-secret"})
    hook = next(iter(hooks._hooks.values()))
    hook.global_bucket = webhook.TokenBucket(10**9, 10**9, 1)
    before = rss_mb()
    start = time.perf_counter()
    statuses: dict[int, int] = {}
    for i in range(n):
        body = json.dumps({"from": f"+2237{i:07d}", "id": f"bench-{i}",
                           "text": f"VEILLE {CERCLES[i % len(CERCLES)]} affrontement "
                                   f"{1 + i % 5} message {i}"})
        response = client.post("/hooks/sms/generic", content=body,
                               headers={"X-Veille-Secret": "bench-secret",
                                        "Content-Type": "application/json"})
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    took = time.perf_counter() - start
    print(f"webhook: {n:,} messages in {took:.1f} s = {n / took:.0f} messages/s "
          f"({took / n * 1000:.1f} ms each), answers {statuses}; process memory "
          f"{before:.0f} MB -> {rss_mb():.0f} MB")


def bench_email(url: str) -> None:
    from geo.outputs import notify
    from geo.settings import Smtp
    from tests.test_notify import AS_OF, tensions

    engine = store.make_engine(url)
    admin = roles.operator()
    for i in range(50):
        notify.subscribe(engine, admin, f"user{i}@example.org", [], ["baseline"],
                         "fr" if i % 2 else "en")
    start = time.perf_counter()
    queued = notify.queue_alerts(engine, AS_OF, "https://veille.example.org",
                                 tensions=tensions(), permutations=999)
    queue_time = time.perf_counter() - start
    with SmtpServer() as smtp:
        start = time.perf_counter()
        sent = notify.deliver(engine, Smtp("127.0.0.1", smtp.port, security="none"))
        took = time.perf_counter() - start
        received = len(smtp.messages)
    print(f"alert e-mails: {queued['queued']} queued in {queue_time:.2f} s (alerts with 999 "
          f"permutations included); delivered {sent['sent']} to the local SMTP server in "
          f"{took:.2f} s ({took / max(sent['sent'], 1) * 1000:.0f} ms each), {received} received")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=1_000)
    parser.add_argument("--url", default=None, help="a store URL (default: temporary SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        def url(name):
            return args.url or f"sqlite:///{tmp}/{name}.sqlite"
        print(f"process memory at start: {rss_mb():.0f} MB")
        bench_sync(url("sync"), args.submissions)
        bench_webhook(url("sms"), args.messages)
        bench_email(url("mail"))


if __name__ == "__main__":
    main()

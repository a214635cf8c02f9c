"""Stored text stays text (issue 27), proved in the browser: payloads planted in every
free-text field (``tests/payloads.py``: a report's summary, an SMS, a file name, a review
note, a context factor's labels and descriptions, a rating's note, a scenario's name, an
action's outcome, the label of the user who wrote them) and in the URL; every page walked in
Chromium, in French and in English, as the local user who sees everything. On no page does
an injected element exist, an injected style apply, a request leave for another host (not
even one the Content-Security-Policy stops), or a payload's link or image get drawn."""

import os
from urllib.parse import quote, urlparse

import pytest

from geo.records import store
from tests import payloads
from tests.support import CHROMIUM, ROOT, offline_page, running_app, wait_for_cercles

pytestmark = pytest.mark.browser
ARTIFACTS_DIR = ROOT / "tests" / "artifacts"

#: Page function: what shows that a payload became markup in this document.
FOUND_JS = """([evil, outline]) => {
    const found = [];
    for (const sel of ['[data-injected]', `a[href*="${evil}"]`, `img[src*="${evil}"]`,
                       `form[action*="${evil}"]`, `link[href*="${evil}"]`,
                       `iframe[src*="${evil}"]`]) {
        if (document.querySelector(sel)) found.push(sel);
    }
    if ([...document.querySelectorAll('style')].some(s => s.textContent.includes(outline)))
        found.push('<style> element');
    const app = document.querySelector('.stApp');
    if (app && getComputedStyle(app).outlineWidth === '9px') found.push('outline applied');
    if (window.veilleInjected) found.push('script ran');
    return found;
}"""

#: The planted text as it must read on screen (its characters, nothing drawn from them).
LINK_TEXT = f"[Reconnectez-vous](http://{payloads.EVIL}/phish)"
#: Each step: the address, whether it draws a map, what to click once drawn, and the
#: planted text the page must show as text.
WALK = [
    ("/?cercle=mli-bandiagara", True, None, None),
    ("/risk?cercle=mli-bandiagara", True, None, None),
    ("/risk", True, "context", payloads.SHORT[-40:]),     # the factor's label, either language
    ("/risk", True, "method", None),
    ("/coverage?cercle=mli-bandiagara", True, None, None),
    ("/monitor", False, None, LINK_TEXT),
    ("/monitor?section=trends", False, None, None),
    ("/monitor?section=hotspots", True, None, None),
    ("/monitor?section=emerging", False, None, None),
    ("/monitor?section=alerts", False, None, None),
    ("/methodology", False, None, None),
    ("/planner?scenario={scenario}", False, None, payloads.SHORT),
    ("/actions", False, None, LINK_TEXT),
    ("/data", False, None, payloads.FILE),
    ("/provenance", False, None, None),
    ("/present", True, None, None),
    ("/audit", False, None, payloads.SHORT),
    ("/users", False, None, None),
    # what a link carries is shown back too
    ("/?cercle=" + quote(payloads.SHORT), True, None, payloads.SHORT),
    ("/planner?scenario=" + quote(payloads.SHORT), False, None, payloads.SHORT),
    ("/risk?asof=" + quote(payloads.SHORT), True, None, None),
    ("/monitor?section=" + quote(payloads.SHORT), False, None, None),
]
CLICK = {"context": {"fr": "Facteurs de contexte (avis d'experts)",
                     "en": "Context factors (expert ratings)"},
         "method": {"fr": "Méthode : poids, normalisation, agrégation",
                    "en": "Method: weights, normalisation, aggregation"}}


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium")
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    folder = tmp_path_factory.mktemp("hostile")
    database = f"sqlite:///{folder / 'store.sqlite'}"
    planted = payloads.plant(store.make_engine(database))
    with running_app(timeout=120, env={"VEILLE_DATABASE_URL": database}) as (url, _proc):
        yield url, planted


def _settle(page) -> None:
    """Until the run is over: Streamlit's running indicator gone for a moment."""
    page.wait_for_timeout(1200)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90000)
    page.wait_for_timeout(800)


def _found(page) -> list[str]:
    out = []
    for frame in page.frames:
        try:
            out += [f"{frame.url[-40:]}: {f}"
                    for f in frame.evaluate(FOUND_JS, [payloads.EVIL, payloads.OUTLINE])]
        except Exception:  # noqa: BLE001 - a frame that went away between two runs
            continue
    return out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_payload_becomes_markup_on_any_page(hostile_app, lang):
    url, planted = hostile_app
    problems = []
    with offline_page(url, viewport=(1400, 1400)) as (page, blocked):
        console: list[str] = []
        page.on("console", lambda m: console.append(m.text))
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for step, (path, has_map, click, expect) in enumerate(WALK):
            path = path.format(**planted)
            page.goto(url + path + ("&" if "?" in path else "?") + f"lang={lang}")
            if has_map:
                wait_for_cercles(page, timeout_ms=90000)
            _settle(page)
            if click:
                page.get_by_text(CLICK[click][lang]).first.click()
                _settle(page)
            name = f"{step:02d}_{path.strip('/').split('?')[0] or 'overview'}_{click or ''}"
            if expect:          # the walk reached the planted text, shown as typed
                # (read without the invisible word joiners that stop autolinks)
                page.wait_for_function(
                    "t => document.body.textContent.replaceAll('\\u2060', '').includes(t)",
                    arg=expect, timeout=30000)
            problems += [f"{path} {click or ''}: {f}" for f in _found(page)]
            page.screenshot(path=str(ARTIFACTS_DIR / f"injection_{lang}_{name}.png"),
                            full_page=True)
        # (Streamlit's own editable-grid icon, a data: image, is refused by img-src 'self':
        # nothing leaves the browser for it)
        violations = [m for m in console if "Content Security Policy" in m
                      and not m.startswith("Loading the image 'data:")]
    assert problems == [], "\n".join(problems)
    assert violations == [], "\n".join(violations)
    assert [r for r in requests if urlparse(r).hostname == payloads.EVIL] == []
    assert blocked == []

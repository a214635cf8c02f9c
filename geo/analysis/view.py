"""The analysis value: what every page that shows a score or a gap is computed for.

One value holds the period (as-of date and look-back window), the weight of unverified
reports and the score's method (preset, normalisation, aggregation, dimension and indicator
weights). The defaults of the period are :mod:`geo.analysis.indicators`', the method's
:mod:`geo.analysis.risk`'s. The value travels in the URL
(:meth:`Analysis.to_query` / :meth:`Analysis.from_query`, an exact round trip), so that a
link opened in a fresh browser shows the same screen.

URL parameters (only what differs from the preset and the defaults is written):

* ``preset`` — :data:`geo.analysis.risk.PRESETS` key;
* ``dw`` — dimension weights ``hazard-vulnerability-coping``, e.g. ``2-1-0.5``;
* ``iw`` — indicator weights ``column:weight`` joined by ``,``;
* ``norm``, ``agg`` — normalisation, aggregation;
* ``win`` — window in days (:data:`WINDOW_DAYS_RANGE`); ``uw`` — unverified weight (0–1);
* ``asof`` — ``YYYY-MM-DD`` (absent: the latest record date), within :func:`as_of_range`.

**Bounded.** Every value a viewer can put in a link is bounded: the window and the weights by
their ranges, the as-of date by the data (:func:`as_of_range`: from the first record to the
latest record plus the forecast's horizon). The cost of a view (the forecast is refitted over
every month up to its date) and the number of distinct views a process caches are therefore
bounded too, whatever date is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from datetime import date, timedelta

import pandas as pd

from geo.analysis.forecast import DEFAULT_HORIZON
from geo.analysis.indicators import (DEFAULT_UNVERIFIED_WEIGHT, DEFAULT_WINDOW_DAYS,
                                     WINDOW_DAYS_RANGE)
from geo.analysis.risk import (AGGREGATIONS, CONTEXT_WEIGHT, DEFAULT_INDICATORS, DEFAULT_PRESET,
                               DIMENSIONS, NORMALISATIONS, PRESETS, Method)
from geo.analysis.indicators import default_as_of

#: Largest weight a dimension or an indicator can be given.
MAX_WEIGHT = 5.0
#: URL parameters of the analysis value.
QUERY_KEYS = ("preset", "dw", "iw", "norm", "agg", "win", "uw", "asof")


def _default_method():
    return PRESETS[DEFAULT_PRESET].apply(Method())


@dataclass(frozen=True)
class Analysis:
    """What the scores and gaps are computed for.

    ``method`` is a :class:`geo.analysis.risk.Method` (its indicators include the store's context
    factors, see :func:`geo.analysis.risk.method_for`); ``as_of`` None means the latest record date.
    """

    preset: str = "default"
    method: object = field(default_factory=_default_method)
    window_days: int = DEFAULT_WINDOW_DAYS
    unverified_weight: float = DEFAULT_UNVERIFIED_WEIGHT
    as_of: date | None = None

    @classmethod
    def default(cls, base) -> Analysis:
        """The default view on ``base`` (a :class:`geo.analysis.risk.Method` with the store's context
        factors)."""
        return cls(DEFAULT_PRESET, PRESETS[DEFAULT_PRESET].apply(base))

    def replace(self, **changes) -> Analysis:
        return dataclass_replace(self, **changes)

    def to_query(self, latest: date | None = None) -> dict[str, str]:
        """URL parameters that rebuild this value from its preset (only what differs;
        ``asof`` only when it is not ``latest``, the latest record date)."""
        method = self.method
        base = PRESETS[self.preset].apply(_pristine(method))
        q = {"preset": self.preset}
        dws = [float(method.dimension_weights.get(d, 1.0)) for d in DIMENSIONS]
        if dws != [float(base.dimension_weights.get(d, 1.0)) for d in DIMENSIONS]:
            q["dw"] = "-".join(_num(w) for w in dws)
        base_w = base.weights()
        changed = [f"{i.column}:{_num(i.weight)}" for i in method.indicators
                   if base_w.get(i.column) != i.weight]
        if changed:
            q["iw"] = ",".join(changed)
        if method.normalisation != base.normalisation:
            q["norm"] = method.normalisation
        if method.aggregation != base.aggregation:
            q["agg"] = method.aggregation
        if self.window_days != DEFAULT_WINDOW_DAYS:
            q["win"] = str(self.window_days)
        if self.unverified_weight != DEFAULT_UNVERIFIED_WEIGHT:
            q["uw"] = _num(self.unverified_weight)
        if self.as_of is not None and self.as_of != latest:
            q["asof"] = self.as_of.isoformat()
        return q

    @classmethod
    def from_query(cls, params: dict, base) -> tuple[Analysis, list[str]]:
        """Rebuild a value from URL parameters on top of ``base`` (its indicators).

        Returns ``(analysis, ignored)``: ``ignored`` names the parameters not understood,
        which are left at their default.
        """
        ignored = []
        preset = params.get("preset", DEFAULT_PRESET)
        if preset not in PRESETS:
            ignored.append("preset")
            preset = DEFAULT_PRESET
        m = PRESETS[preset].apply(base)
        if "dw" in params:
            try:
                vals = [float(v) for v in params["dw"].split("-")]
                if len(vals) != 3 or not all(0 <= v <= MAX_WEIGHT for v in vals) \
                        or not any(vals):
                    raise ValueError
                m = m.replace(dimension_weights=dict(zip(DIMENSIONS, vals)))
            except ValueError:
                ignored.append("dw")
        if "iw" in params:
            try:
                pairs = dict(p.rsplit(":", 1) for p in params["iw"].split(",") if p)
                known = set(m.weights())
                weights = {k: float(v) for k, v in pairs.items() if k in known}
                if len(weights) != len(pairs) or not all(0 <= v <= MAX_WEIGHT
                                                         for v in weights.values()):
                    raise ValueError
                m = m.replace(indicator_weights=weights)
            except ValueError:
                ignored.append("iw")
        for key, attr, allowed in (("norm", "normalisation", NORMALISATIONS),
                                   ("agg", "aggregation", AGGREGATIONS)):
            if key in params:
                if params[key] in allowed:
                    m = m.replace(**{attr: params[key]})
                else:
                    ignored.append(key)
        window = _bounded(params, "win", int, *WINDOW_DAYS_RANGE, DEFAULT_WINDOW_DAYS, ignored)
        unverified = _bounded(params, "uw", float, 0.0, 1.0, DEFAULT_UNVERIFIED_WEIGHT, ignored)
        as_of = None
        if "asof" in params:
            try:
                as_of = date.fromisoformat(params["asof"])
            except ValueError:
                ignored.append("asof")
        return cls(preset, m, window, unverified, as_of), ignored


def as_of_range(records: dict[str, pd.DataFrame], horizon_days: int = DEFAULT_HORIZON,
                today: date | None = None) -> tuple[date, date]:
    """The as-of dates a view may take: ``(first, last)``, both included.

    ``first`` is the earliest date of a tension report or a workshop; ``last`` the latest
    (:func:`geo.analysis.indicators.default_as_of`, the default view's date) plus
    ``horizon_days`` (days; the forecast's horizon: a view may look as far ahead as the
    forecast does). Without records: ``today`` to ``today + horizon_days``.
    """

    today = today or date.today()
    firsts = []
    for kind, column in (("tensions", "occurred_on"), ("workshops", "start_date")):
        frame = records.get(kind)
        if frame is not None and len(frame) and frame[column].notna().any():
            firsts.append(min(frame[column].dropna()))
    latest = default_as_of(records, today)
    first = min(firsts) if firsts else today
    return min(first, latest), latest + timedelta(days=horizon_days)


def bounded_as_of(as_of: date | None, bounds: tuple[date, date]) -> date | None:
    """``as_of`` moved into ``bounds`` (:func:`as_of_range`); None stays None (the latest
    record's date, which is inside)."""
    if as_of is None:
        return None
    return min(max(as_of, bounds[0]), bounds[1])


def _pristine(method):
    """``method``'s indicators with their default weights (what a preset starts from).

    Regression (found by the round-trip property test): the preset was applied to the
    changed weights, so a link dropped every indicator weight the preset does not set."""
    defaults = {i.column: i.weight for i in DEFAULT_INDICATORS}
    return method.replace(indicator_weights={i.column: defaults.get(i.column, CONTEXT_WEIGHT)
                                             for i in method.indicators})


def _bounded(params: dict, key: str, cast, lo, hi, default, ignored: list[str]):
    """``cast(params[key])`` when present and within [lo, hi]; else ``default`` (and ``key``
    is added to ``ignored`` when it was present)."""
    if key not in params:
        return default
    try:
        value = cast(params[key])
        if lo <= value <= hi:
            return value
    except ValueError:
        pass
    ignored.append(key)
    return default


def _num(x: float) -> str:
    """The shortest text that reads back as exactly ``x`` (``2``, ``0.25``)."""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text

"""Choropleth layers of the Overview map: which indicator, its units, its colour classes.

Layers are added to :data:`LAYERS`; the map and the pages pick them up from here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

import branca.colormap as cm
import numpy as np

from geo.analysis.coverage import GAP_CLASSES, GAP_COLOURS
from geo.analysis.disclosure import DISTANCE_BANDS_KM
from geo.analysis.risk import CLASS_COLOURS, CLASS_THRESHOLDS, CLASSES


@dataclass(frozen=True)
class Layer:
    """A choropleth layer.

    Attributes
    ----------
    key : str
        Stable identifier (used in URLs and translation keys ``layer.<key>``).
    column : str
        Column of the per-cercle indicator table holding the value.
    palette : str
        Name of a sequential ``branca.colormap.linear`` palette.
    classes : int
        Number of colour classes (quantile classes, rounded to 2 significant digits).
    digits : int
        Significant digits shown in tooltips.
    fixed_breaks, fixed_colours, class_keys : tuple
        For a layer with fixed classes (the risk score): the class limits, one colour per
        class and the translation key of each class name. Empty for quantile classes.
    show_ranges : bool
        Write each class's limits in the legend (False for coded categories).
    open_top : bool
        The last fixed class has no upper limit (legend "≥ x").
    unit : str
        ``"cercle"`` or ``"commune"``: the units the layer colours.
    banded : bool
        The value is a distance to a mediator, published only as its band
        (:func:`geo.analysis.disclosure.band_text`): tooltips show the band, never a number.
    integer : bool
        A count: class limits are whole numbers and the legend names whole values
        (``0``, ``1``, ``2–4``), never "1,0 – 2,0".
    hidden_column : str
        Boolean column saying where the value is a hidden mediator count
        (:mod:`geo.analysis.disclosure`): drawn as no data, its tooltip says "hidden".
    observed : bool
        The value reads the tension reports: cercles the division's network does not watch
        (``under_observed``, :mod:`geo.analysis.observation`) are hatched over it, so that
        an absence of reports there is not read as calm.
    interval : tuple
        Columns of a low and a high bound written after the value in tooltips
        (``4.2 [1–8]``: the forecast's 80 % interval).
    """

    key: str
    column: str
    palette: str = "YlOrRd_09"
    classes: int = 6
    digits: int = 2
    fixed_breaks: tuple = ()
    fixed_colours: tuple = ()
    class_keys: tuple = ()
    show_ranges: bool = True
    open_top: bool = False
    unit: str = "cercle"
    banded: bool = False
    hidden_column: str = ""
    integer: bool = False
    observed: bool = False
    interval: tuple = ()

    @property
    def label_key(self) -> str:
        return f"layer.{self.key}"

    @property
    def unit_key(self) -> str:
        return f"layer.{self.key}.unit"


#: Distance classes (km), fixed: the bands in which distances are published
#: (:data:`geo.analysis.disclosure.DISTANCE_BANDS_KM`); the last is open.
DISTANCE_BREAKS_KM = (*DISTANCE_BANDS_KM, 10_000.0)

LAYERS: dict[str, Layer] = {
    layer.key: layer
    for layer in (
        Layer("density", "density", "YlOrRd_09"),
        Layer("population", "population", "PuBu_09"),
        Layer("area", "area_km2", "YlGn_09"),
        Layer("workshop_sessions", "workshop_sessions", "BuPu_09", classes=4, integer=True),
        Layer("workshop_participants_per_10k", "workshop_participants_per_10k", "BuPu_09",
              classes=4),
        Layer("mediators", "mediators", "Greens_09", hidden_column="mediators_hidden",
              integer=True),
        Layer("mediators_per_10k", "mediators_per_10k", "Greens_09", hidden_column="mediators_hidden"),
        Layer("mediators_per_1000km2", "mediators_per_1000km2", "Greens_09", hidden_column="mediators_hidden"),
        Layer("communes_without_mediator_share", "communes_without_mediator_share",
              "OrRd_09", classes=5),
        Layer("mean_distance_km", "mean_distance_km", "OrRd_09",
              fixed_breaks=DISTANCE_BREAKS_KM, open_top=True, banded=True),
        Layer("risk_score", "risk_score", digits=2,
              fixed_breaks=(0.0, *CLASS_THRESHOLDS, 10.0), fixed_colours=CLASS_COLOURS,
              class_keys=tuple(f"risk.class.{c}" for c in CLASSES), observed=True),
        Layer("gap_class", "gap_code", fixed_breaks=(-0.5, 0.5, 1.5, 2.5, 3.5),
              fixed_colours=GAP_COLOURS, class_keys=tuple(f"gap.{c}" for c in GAP_CLASSES),
              show_ranges=False, observed=True),
        Layer("forecast_reports", "forecast_reports", "YlOrRd_09", classes=5,
              observed=True, interval=("forecast_low80", "forecast_high80")),
    )
}
#: Commune-level layers (Coverage page).
COMMUNE_LAYERS: dict[str, Layer] = {
    "commune_distance_km": Layer("commune_distance_km", "distance_km", "OrRd_09",
                                 fixed_breaks=DISTANCE_BREAKS_KM, open_top=True,
                                 unit="commune", banded=True),
}
#: The planner's map: each cercle's share of people within the service radius of a mediator
#: once the plan is carried out (%).
PLAN_LAYER = Layer("plan_covered_share", "covered_share", "YlGnBu_09", digits=2,
                   fixed_breaks=(0.0, 25.0, 50.0, 75.0, 90.0, 100.0))
DEFAULT_LAYER = "density"

#: Gi* classes (geo.analysis.monitor), coldest to hottest, and their colours (Esri's hot spot
#: palette; "not significant" near white, so that it is not read as "no data").
HOTSPOT_ORDER = ("cold_99", "cold_95", "cold_90", "none", "hot_90", "hot_95", "hot_99")
HOTSPOT_COLOURS = ("#4575b5", "#849eba", "#c0ccbe", "#f7f7f2", "#fab984", "#ed7551",
                   "#d62f27")
HOTSPOT_CODE = {c: i - 3 for i, c in enumerate(HOTSPOT_ORDER)}


def hotspot_layer(unit: str = "cercle") -> Layer:
    """The Gi* classes of cercles or communes (value: :data:`HOTSPOT_CODE`, −3 … 3)."""
    return Layer("hotspot_class" if unit == "cercle" else "hotspot_class_commune",
                 "hotspot_code", fixed_breaks=tuple(x + 0.5 for x in range(-4, 4)),
                 fixed_colours=HOTSPOT_COLOURS,
                 class_keys=tuple(f"monitor.class.{c}" for c in HOTSPOT_ORDER),
                 show_ranges=False, unit=unit)


#: Emerging hot spot categories (geo.analysis.monitor.CATEGORIES) and their colours: hot patterns in
#: reds (darkest: intensifying), cold in blues, oscillating in magenta / teal, historical
#: faded, no pattern near white.
EMERGING_COLOURS = {
    "intensifying_hot": "#7f0000", "persistent_hot": "#b30000", "consecutive_hot": "#e34a33",
    "new_hot": "#fc8d59", "diminishing_hot": "#fdbb84", "sporadic_hot": "#fdd49e",
    "oscillating_hot": "#c51b7d", "historical_hot": "#d4b9da",
    "intensifying_cold": "#08306b", "persistent_cold": "#08519c", "consecutive_cold": "#3182bd",
    "new_cold": "#6baed6", "diminishing_cold": "#9ecae1", "sporadic_cold": "#c6dbef",
    "oscillating_cold": "#35978f", "historical_cold": "#cbc9e2", "none": "#f7f7f2",
}


def emerging_layer(categories: list[str]) -> Layer:
    """The emerging categories present (value: the position in ``categories``), so that the
    legend lists only what the map shows."""
    return Layer("emerging_category", "emerging_code",
                 fixed_breaks=tuple(i - 0.5 for i in range(len(categories) + 1)),
                 fixed_colours=tuple(EMERGING_COLOURS[c] for c in categories),
                 class_keys=tuple(f"monitor.emerging.{c}" for c in categories),
                 show_ranges=False)


_ROUNDING = {"nearest": ROUND_HALF_EVEN, "down": ROUND_FLOOR, "up": ROUND_CEILING}


def _round_sig(x: float, digits: int, how: str = "nearest") -> float:
    """Round to ``digits`` significant digits (exactly, in decimal: no overflow, no drift)."""
    if x == 0 or not math.isfinite(x):
        return x
    exp = Decimal(repr(x)).adjusted() - (digits - 1)
    rounded = Decimal(repr(x)).scaleb(-exp).to_integral_value(_ROUNDING[how]).scaleb(exp)
    return float(rounded)


def class_breaks(values, classes: int = 6, digits: int = 2) -> list[float]:
    """Quantile class breaks rounded to ``digits`` significant digits.

    The first break is at most the minimum and the last at least the maximum, breaks are
    strictly increasing, and every finite value falls in exactly one class
    ``[b[i], b[i+1])`` (the last class is closed). NaN values are ignored (they are "no data").
    Fewer classes are returned when rounding merges quantiles.

    Returns
    -------
    list of float
        ``k + 1`` breaks for ``k`` classes (``k >= 1``); ``[]`` when no value is finite.
    """
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return []
    lo, hi = float(arr.min()), float(arr.max())
    inner = np.quantile(arr, np.linspace(0, 1, classes + 1)[1:-1]) if classes > 1 else []
    breaks = [_round_sig(lo, digits, "down")]
    for q in inner:
        b = _round_sig(float(q), digits)
        if breaks[-1] < b < hi:
            breaks.append(b)
    top = _round_sig(hi, digits, "up")
    breaks.append(top if top > breaks[-1] else breaks[-1] + max(abs(breaks[-1]), 1.0))
    return breaks


def class_index(value: float, breaks: list[float]) -> int | None:
    """Index of the class holding ``value`` (None for NaN or outside the breaks)."""
    if value is None or not math.isfinite(value) or not breaks:
        return None
    if value < breaks[0] or value > breaks[-1]:
        return None
    i = int(np.searchsorted(breaks, value, side="right")) - 1
    return min(i, len(breaks) - 2)


def step_colormap(layer: Layer, breaks: list[float]) -> cm.StepColormap:
    """A branca step colormap with one colour per class of ``breaks``."""
    base = getattr(cm.linear, layer.palette)
    n = max(len(breaks) - 1, 1)
    colours = [base.rgb_hex_str(base.vmin + (base.vmax - base.vmin) * (i + 0.5) / n)
               for i in range(n)]
    return cm.StepColormap(colours, index=breaks, vmin=breaks[0], vmax=breaks[-1])


def layer_classes(layer: Layer, values) -> tuple[list[float], list[str]]:
    """Class limits and colours of a layer for these values: fixed when the layer has them,
    else quantile classes (:func:`class_breaks`) coloured from its palette."""
    if layer.fixed_breaks:
        breaks = list(layer.fixed_breaks)
        return breaks, list(layer.fixed_colours) or class_colours(layer, breaks)
    breaks = (integer_breaks(values, layer.classes) if layer.integer
              else class_breaks(values, layer.classes, layer.digits))
    return breaks, class_colours(layer, breaks)


def integer_breaks(values, classes: int = 6) -> list[float]:
    """Quantile class breaks for counts: whole numbers, strictly increasing; class
    ``[b[i], b[i+1])`` holds the counts ``b[i] … b[i+1] − 1`` and the last class is closed
    (``[], []`` without a finite value)."""
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return []
    lo, hi = math.floor(arr.min()), math.ceil(arr.max())
    inner = np.quantile(arr, np.linspace(0, 1, classes + 1)[1:-1]) if classes > 1 else []
    breaks = [float(lo)]
    for q in inner:
        b = float(round(q))
        if breaks[-1] < b <= hi:
            breaks.append(b)
    if breaks[-1] < hi or len(breaks) == 1:
        breaks.append(float(max(hi, breaks[-1] + 1)))
    return breaks


def class_colours(layer: Layer, breaks: list[float]) -> list[str]:
    """``#rrggbb`` colour of each class of ``breaks`` (one fewer than breaks)."""
    if len(breaks) < 2:
        return []
    cmap = step_colormap(layer, breaks)
    return [cmap.rgb_hex_str((lo + hi) / 2) for lo, hi in zip(breaks[:-1], breaks[1:])]


#: Colour of each tension category (ColorBrewer Dark2 + grey), for points and legend.
CATEGORY_COLOURS = {
    "intimidation": "#7570b3", "hate_speech": "#e7298a", "clash": "#d95f02",
    "intercommunal": "#a6761d", "electoral_attack": "#e31a1c", "armed_group": "#1b1b1b",
    "protest": "#1b9e77", "other": "#999999",
}


def severity_radius(severity: int) -> float:
    """Radius in pixels of a tension point: 3 px for severity 1 up to 11 px for 5."""
    return 3.0 + 2.0 * (int(severity) - 1)

"""Static maps for the brief (PNG, drawn offline with matplotlib): the same layers, classes
and legend words as the app's maps (:mod:`geo.outputs.layers`, :func:`geo.outputs.maps.legend_entries`), in
the Mali projection used for distances (:data:`geo.reference.units.DISTANCE_CRS`, so the scale bar
is true), with the legend beside the map (never over Mali), a scale bar, a north arrow and the
region names."""

from __future__ import annotations

import io

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import reference
from geo.reference import units
from geo.reference.units import DISTANCE_CRS
from geo.i18n import t
from geo.outputs.layers import CATEGORY_COLOURS, Layer, class_index, layer_classes, severity_radius
from geo.outputs.maps import NO_DATA_STYLE, legend_entries
from geo.records.fields import enum_label

NO_DATA = NO_DATA_STYLE["fillColor"]


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(7.2, 4.6), dpi=150)
    ax = fig.add_axes([0.0, 0.02, 0.64, 0.96])       # the map; the legend on the right
    leg = fig.add_axes([0.65, 0.02, 0.35, 0.96])
    leg.axis("off")
    ax.set_axis_off()
    return plt, fig, ax, leg


def _decorate(ax, regions: gpd.GeoDataFrame, lang: str) -> None:
    regions.boundary.plot(ax=ax, color="#3a3a3a", linewidth=0.9)
    for _, r in regions.iterrows():
        if r["region_fr"] == "Bamako (District)":       # its town says it
            continue
        p = r.geometry.representative_point()
        ax.annotate(r["region_fr"].upper(), (p.x, p.y), ha="center", va="center",
                    fontsize=5.5, color="#333333",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                          "alpha": 0.55})
    towns = reference.load().towns
    if len(towns):
        xy = gpd.GeoSeries(gpd.points_from_xy(towns["lon"], towns["lat"]), crs="EPSG:4326") \
            .to_crs(DISTANCE_CRS)
        ax.scatter(xy.x, xy.y, s=9, c="white", edgecolors="black", linewidths=0.8, zorder=5)
        from matplotlib import patheffects

        halo = [patheffects.withStroke(linewidth=2, foreground="white")]
        for name, x, y in zip(towns["name"], xy.x, xy.y):
            left = name == "Bamako"             # Koulikoro is just to its north-east
            ax.annotate(name, (x, y), xytext=(-3 if left else 3, -2 if left else 0),
                        textcoords="offset points", va="center",
                        ha="right" if left else "left", fontsize=6.5, fontweight="bold",
                        zorder=6, path_effects=halo)
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    # scale bar: 300 km, bottom left (metres: the projection is conformal, true at 12–22°N)
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot([bx, bx + 300_000], [by, by], color="black", linewidth=2.2,
            solid_capstyle="butt")
    ax.text(bx + 150_000, by + 0.02 * (y1 - y0), "300 km", ha="center", va="bottom",
            fontsize=6.5)
    # north arrow, top left
    nx, ny = x0 + 0.06 * (x1 - x0), y1 - 0.16 * (y1 - y0)
    ax.annotate("N", xy=(nx, ny + 0.11 * (y1 - y0)), xytext=(nx, ny), ha="center",
                fontsize=8, fontweight="bold",
                arrowprops={"arrowstyle": "-|>", "color": "black", "lw": 1.2})
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)


def _legend(leg, title: str, unit: str, rows: list[tuple[str, str]], marker: bool = False,
            source: str = "", hatched: list[str] = ()) -> None:
    leg.text(0.02, 0.97, title, fontsize=8, fontweight="bold", va="top", wrap=True)
    y = 0.90 if not unit else 0.86
    if unit:
        leg.text(0.02, 0.905, unit, fontsize=6.5, va="top", color="#333333")
    import textwrap

    for colour, text in rows:
        text = "\n".join(textwrap.wrap(text, 34)) or text
        if marker:
            leg.scatter([0.06], [y], s=30, color=colour, edgecolors="white", linewidths=0.5)
        else:
            leg.add_patch(__import__("matplotlib").patches.Rectangle(
                (0.02, y - 0.018), 0.08, 0.036, facecolor=colour, edgecolor="#777777",
                linewidth=0.5))
        leg.text(0.13, y, text, fontsize=6.5, va="center")
        y -= 0.055 + 0.03 * text.count("\n")
    for text in hatched:
        text = "\n".join(textwrap.wrap(text, 34)) or text
        leg.add_patch(__import__("matplotlib").patches.Rectangle(
            (0.02, y - 0.018), 0.08, 0.036, facecolor="white", edgecolor="#2b2b2b",
            hatch=HATCH, linewidth=0.5, linestyle="--"))
        leg.text(0.13, y, text, fontsize=6.5, va="center")
        y -= 0.055 + 0.03 * text.count("\n")
    leg.set_xlim(0, 1)
    leg.set_ylim(0, 1)
    if source:
        leg.text(0.02, 0.01, source, fontsize=5.5, color="#555555", va="bottom", wrap=True)


def _png(plt, fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    plt.close(fig)
    return buf.getvalue()


#: The hatch over the cercles the network does not watch (as on the app's maps).
HATCH = "////"


def choropleth_png(values: pd.Series, layer: Layer, lang: str, title: str | None = None,
                   class_words: dict | None = None, source: str = "",
                   under_observed: pd.Series | None = None) -> bytes:
    """The cercles coloured by ``values`` (indexed by ``cercle_id``) in ``layer``'s classes;
    the cercles where ``under_observed`` is true hatched over (for a layer that reads the
    reports, :attr:`geo.outputs.layers.Layer.observed`)."""
    plt, fig, ax, leg = _figure()
    cercles = units.display_cercles().set_index("cercle_id").to_crs(DISTANCE_CRS)
    regions = units.display_regions().to_crs(DISTANCE_CRS)
    vals = pd.to_numeric(values.reindex(cercles.index), errors="coerce").astype(float)
    breaks, colours = layer_classes(layer, vals)
    fills = [colours[i] if (i := class_index(v, breaks)) is not None else NO_DATA
             for v in vals]
    cercles.plot(ax=ax, color=fills, edgecolor="white", linewidth=0.4)
    hatched = (under_observed.reindex(cercles.index).fillna(False).to_numpy(dtype=bool)
               if under_observed is not None and layer.observed
               else np.zeros(len(cercles), dtype=bool))
    if hatched.any():
        cercles[hatched].plot(ax=ax, facecolor="none", edgecolor="#2b2b2b", hatch=HATCH,
                              linewidth=0.6, linestyle="--")
    _decorate(ax, regions, lang)
    rows = legend_entries(layer, breaks, colours, lang, class_words)
    if vals.isna().any():
        rows.append((NO_DATA, t("map.no_data", lang)))
    hatch_rows = [t("map.under_observed_line", lang)] if hatched.any() else []
    _legend(leg, title or t(layer.label_key, lang), t(layer.unit_key, lang), rows,
            source=source, hatched=hatch_rows)
    return _png(plt, fig)


def points_png(points: gpd.GeoDataFrame, lang: str, title: str, source: str = "") -> bytes:
    """Tension reports (as :func:`geo.analysis.indicators.tension_points` places them) over the
    cercles: coloured by category, sized by severity."""
    plt, fig, ax, leg = _figure()
    cercles = units.display_cercles().to_crs(DISTANCE_CRS)
    regions = units.display_regions().to_crs(DISTANCE_CRS)
    cercles.plot(ax=ax, color="#f4f1ea", edgecolor="#bdbdbd", linewidth=0.4)
    shown = points[points.geometry.notna()].to_crs(DISTANCE_CRS)
    if len(shown):
        ax.scatter(shown.geometry.x, shown.geometry.y,
                   s=[severity_radius(int(s)) ** 2 * 0.35 for s in shown["severity"]],
                   c=[CATEGORY_COLOURS.get(c, "#999999") for c in shown["category"]],
                   edgecolors="white", linewidths=0.3, alpha=0.85, zorder=3)
    _decorate(ax, regions, lang)
    cats = sorted(set(shown["category"])) if len(shown) else []
    rows = [(CATEGORY_COLOURS[c], enum_label("tensions", "category", c, lang))
            for c in CATEGORY_COLOURS if c in cats]
    _legend(leg, title, "", rows, marker=True, source=source)
    return _png(plt, fig)


def bars_png(table: pd.DataFrame, lang: str, title: str) -> bytes:
    """Reports per month (rows, ``YYYY-MM``) stacked by category (columns)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.2, 2.6), dpi=150)
    bottom = np.zeros(len(table))
    x = np.arange(len(table))
    for cat in [c for c in CATEGORY_COLOURS if c in table.columns]:
        ax.bar(x, table[cat].to_numpy(), bottom=bottom, color=CATEGORY_COLOURS[cat],
               label=enum_label("tensions", "category", cat, lang), width=0.8)
        bottom += table[cat].to_numpy()
    ax.set_xticks(x, table.index, rotation=0, fontsize=6.5)
    ax.tick_params(axis="y", labelsize=6.5)
    ax.set_title(title, fontsize=8, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(fontsize=5.5, ncol=2, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150)
    plt.close(fig)
    return buf.getvalue()

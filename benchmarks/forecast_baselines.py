"""The forecast against the recent past (issue 29): the rolling-origin evaluation of the
forecast (``geo.analysis.forecast``) and five baselines on three histories, with the issue's
targets; the properties of each history against the real data's; the time of one forecast
and of a whole evaluation.

Histories: (a) the realistic generator (``geo.ingest.synthetic``) over several seeds,
(b) the demonstration's records (``geo.ingest.demo``, imported into a temporary store and
read as the app reads them: reports known at each date, weighted by the network's
observation), (c) an ACLED-shaped file (``tests/acled_like.py``: uniform days and places, no
signal) imported the same way. Quarterly origins from one year after the first report,
90-day horizon (option), refit at each origin on earlier data only. Point baselines are
scored with a Poisson distribution of mean max(μ, 0.01); the zero baseline's deviance and
log score are infinite. Asserts nothing; timings are of this machine, shared.

    .venv/bin/python benchmarks/forecast_baselines.py [--seeds 5] [--horizon-days 90]
        [--ablation]

``--ablation`` adds, on the generator's seeds, the alternatives the design was chosen
against (the decayed count without shrinkage, the decay grid, the priors, the correction,
NB2 against the NB with a power, a Poisson distribution around the same means) and the
deviance's sensitivity to the floor given to point baselines.
"""

import argparse
import math
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo import ingest  # noqa: E402
from geo.analysis import backtest as evaluate  # noqa: E402
from geo.analysis import forecast as model  # noqa: E402
from geo.analysis import properties as measure  # noqa: E402
from geo.analysis.indicators import reference_indicators  # noqa: E402
from geo.analysis.table import forecaster, observed_records  # noqa: E402
from geo.ingest import demo, synthetic  # noqa: E402
from geo.records import roles, store  # noqa: E402
from tests.acled_like import acled_csv, acled_rows  # noqa: E402
COLUMNS = [("deviance", "deviance", 2), ("log_score", "log score", 3), ("crps", "CRPS", 3),
           ("auc_pooled", "AUC any", 3), ("coverage80", "cover 80", 3),
           ("wins_vs_decayed", "wins vs dec", 0), ("worst_mae_ratio", "worst MAE ÷ dec", 2),
           ("spearman_active", "Spearman act", 3), ("top10_hits", "top-10 hits", 2)]
PROPERTIES = ["reports", "quarter_min", "quarter_max", "median_cercle_total", "top1_share",
              "top5_share", "top10_share", "max_cercle_quarter", "share_cercle_quarters_20",
              "zero_share", "zero_cercles_median", "zero_cercles_min", "zero_cercles_max",
              "p_active_after_quiet", "p_active_after_active", "monthly_autocorrelation",
              "quarter_log_correlation", "quarter_rank_correlation", "busy_ratio_p10",
              "busy_ratio_p90", "dispersion_median", "dispersion_q1", "dispersion_q3",
              "dispersion_max", "fatalities_zero_share", "fatalities_p99", "fatalities_max",
              "severe_share", "national_year_ratio", "centre_south_first",
              "centre_south_last", "capital_first", "capital_later_min", "capital_later_max"]


def stored(kind: str, frame: bytes | None = None) -> dict[str, pd.DataFrame]:
    """The records as the store holds them after an import into a temporary SQLite (the
    demonstration's, or an ACLED-shaped file's tension reports)."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = store.make_engine(f"sqlite:///{tmp}/b.sqlite")
        if kind == "demo":
            demo.ensure_initialised(engine)
        else:
            ingest.import_file(engine, "tensions", frame, "acled.csv", locator=ingest.Locator(),
                               actor=roles.operator())
        return store.load_all(engine)


def read(records: dict[str, pd.DataFrame], reference: pd.DataFrame) -> pd.DataFrame:
    """The tension reports as the app reads them (observation weights)."""
    return observed_records(records, reference["n_communes"])["tensions"]


def run(name: str, tensions: pd.DataFrame, reference: pd.DataFrame, horizon: int) -> dict:
    start = time.perf_counter()
    result = evaluate.evaluate(None, None, horizon=horizon,
                               forecaster=forecaster({"tensions": tensions}, reference))
    result["seconds"] = time.perf_counter() - start
    result["name"] = name
    return result


def _fmt(value, digits: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float) and math.isinf(value):
        return "inf"
    return f"{value:.{digits}f}" if digits else f"{round(value)}"


def table(results: list[dict]) -> None:
    """Methods × scores, means over the results (one per seed or history)."""
    methods = list(results[0]["methods"])
    header = f"  {'method':12s}" + "".join(f"{label:>16s}" for _, label, _ in COLUMNS)
    print(header)
    for m in methods:
        cells = []
        for key, _, digits in COLUMNS:
            values = [r["methods"][m].get(key, math.nan) for r in results]
            values = [v for v in values if v is not None and not
                      (isinstance(v, float) and math.isnan(v))]
            cells.append(_fmt(float(np.mean(values)) if values else math.nan, digits))
        scored = results[0]["methods"][m]["origins_scored"]
        print(f"  {m:12s}" + "".join(f"{c:>16s}" for c in cells)
              + ("" if scored == results[0]["origins"] else f"   ({scored} origins)"))


def verdict(r: dict) -> str:
    head, m = evaluate.headline(r), r["model"]
    checks = {
        "deviance ≤ decayed": head["deviance"] <= head["decayed"],
        "wins > half": head["wins"] > head["origins"] / 2,
        "AUC ≥ 0.885": head["auc"] >= 0.885,
        "worst ≤ 3×": bool(head["guard_ok"]),
        "coverage 70–90 %": 0.7 <= head["coverage"] <= 0.9}
    lo, hi = m["margin_interval90"]
    return (f"{r['name']}: {r['origins']} origins {r['as_of_range'][0]}…{r['as_of_range'][1]}"
            f", {r['seconds']:.1f} s; deviance {head['deviance']:.3f} vs decayed "
            f"{head['decayed']:.3f}, wins {head['wins']}/{head['origins']}, margin "
            f"{m['margin_mean']:+.3f} (90 % {lo:+.3f} … {hi:+.3f}), AUC {head['auc']:.3f}, "
            f"worst MAE ratio {head['worst']:.2f}, coverage {head['coverage']:.3f} (nominal "
            f"{head['nominal']:.3f}; {m['coverage80_with_reports']:.3f} with reports, "
            f"{m['coverage80_without']:.3f} without), models {m['used']}\n    "
            + ", ".join(f"{k}: {'yes' if v else 'NO'}" for k, v in checks.items()))


#: name → Forecaster options of each alternative of the ablation.
ABLATION = {
    "decayed 0.8, no shrinkage": {"decays": (0.8,), "priors": ("national",),
                                  "prior_shapes": (1e-4,), "correction": False},
    "anchor, national prior": {"priors": ("national",), "correction": False},
    "anchor, neighbours prior": {"priors": ("neighbours",), "correction": False},
    "anchor, slow prior": {"priors": ("slow",), "correction": False},
    "anchor, slow or mixed prior (chosen)": {"correction": False},
    "anchor, 4 priors chosen by deviance": {"priors": model.PRIOR_KINDS,
                                            "correction": False},
    "anchor, decay fixed at 0.8": {"decays": (0.8,), "correction": False},
    "anchor + gated correction (chosen)": {},
    "  same, NB2 (p = 0)": {"dispersion_powers": (0.0,)},
    "  same, correction always used": "always",
}


def ablation(label: str, histories: dict, cercles: pd.DataFrame, neighbours: np.ndarray,
             horizon: int, floors: bool = True) -> None:
    rows = []
    for name, options in ABLATION.items():
        for tensions in histories.values():
            if options == "always":
                f = model.Forecaster(tensions, cercles.index, neighbours)

                def always(origins, h, _gate=f._gate):
                    gate = _gate(origins, h)
                    return {**gate, "use": gate["origins"] > 0}
                f._gate = always
            else:
                f = model.Forecaster(tensions, cercles.index, neighbours, **options)
            others = {}
            if name.startswith("anchor + gated"):
                others["poisson"] = (lambda t, h, f=f: (
                    f.forecast(t, h)["expected_reports"].to_numpy(), np.inf))
            r = evaluate.evaluate(None, None, horizon=horizon, forecaster=f, others=others)
            s, m = r["methods"], r["model"]
            rows.append({"alternative": name, "deviance": s["model"]["deviance"],
                         "decayed": s["decayed"]["deviance"], "wins": m["wins_vs_decayed"],
                         "AUC": s["model"]["auc_pooled"], "AUC dec": s["decayed"]["auc_pooled"],
                         "log score": s["model"]["log_score"], "CRPS": s["model"]["crps"],
                         "cover 80": m["coverage80"], "worst": m["worst_mae_ratio"],
                         "corrected origins": m["used"].get("anchor+correction", 0)})
            if others:
                rows.append({"alternative": "  same means, Poisson distribution",
                             "deviance": s["poisson"]["deviance"],
                             "decayed": s["decayed"]["deviance"],
                             "AUC": s["poisson"]["auc_pooled"],
                             "log score": s["poisson"]["log_score"],
                             "CRPS": s["poisson"]["crps"], "cover 80": s["poisson"]["coverage80"]})
    frame = pd.DataFrame(rows).groupby("alternative", sort=False).mean(numeric_only=True)
    print(f"\nAblation on {label} (means; wins of {r['origins']} origins)")
    with pd.option_context("display.width", 200):
        print(frame.round(3).to_string())
    if not floors:
        return
    print("\nThe floor of point baselines (reports per horizon) and the decayed count's "
          "deviance (the model's does not depend on it):")
    for floor in (0.001, 0.01, 0.1, 0.3):
        res = [evaluate.evaluate(t, cercles.index, neighbours, horizon, floor=floor)
               for t in histories.values()]
        decayed = np.mean([x["methods"]["decayed"]["deviance"] for x in res])
        ours = np.mean([x["methods"]["model"]["deviance"] for x in res])
        wins = np.mean([x["model"]["wins_vs_decayed"] for x in res])
        print(f"  floor {floor:<6}: decayed {decayed:.3f}, model {ours:.3f}, model wins "
              f"{wins:.1f} of {res[0]['origins']} origins")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--horizon-days", type=int, default=90, choices=model.HORIZONS)
    parser.add_argument("--ablation", action="store_true")
    args = parser.parse_args()
    reference = reference_indicators()
    cercles = reference[["region_id"]]
    histories = {f"generator seed {s}": synthetic.history(s, cercles)
                 for s in range(args.seeds)}
    histories["demonstration"] = read(stored("demo"), reference)
    rows = acled_rows(3800, seed=7, first=date(2012, 1, 1), last=date(2020, 7, 31),
                      dyadic_share=0)
    histories["ACLED-shaped file"] = read(stored("acled", acled_csv(rows)), reference)

    print("Properties of each history (definitions: geo.analysis.properties.properties)")
    props = {k: measure.properties(v, cercles) for k, v in histories.items()}
    gen = pd.DataFrame([props[k] for k in props if k.startswith("generator")])
    frame = pd.DataFrame({"real data": pd.Series(measure.TARGETS),
                          "generator mean": gen.mean(), "generator min": gen.min(),
                          "generator max": gen.max(),
                          "demonstration": pd.Series(props["demonstration"]),
                          "ACLED-shaped": pd.Series(props["ACLED-shaped file"])})
    with pd.option_context("display.width", 200):
        print(frame.loc[PROPERTIES].round(3).to_string())

    tensions = histories["generator seed 0"]
    t = date(2020, 4, 30)
    start = time.perf_counter()
    fc = forecaster({"tensions": tensions}, reference).forecast(t, args.horizon_days)
    one = time.perf_counter() - start
    print(f"\nOne forecast, 50 cercles, {len(tensions):,} reports, as of {t}, fresh "
          f"forecaster: {one:.3f} s (budget 0.5 s); model {fc.attrs['model']}, "
          f"{fc.attrs['training_origins']} training origins")

    results = [run(k, v, reference, args.horizon_days) for k, v in histories.items()]
    generator = [r for r in results if r["name"].startswith("generator")]
    print(f"\n(a) Realistic generator, {len(generator)} seeds (means over seeds), horizon "
          f"{args.horizon_days} days")
    table(generator)
    for r in generator:
        print("  " + verdict(r))
    for r in results[len(generator):]:
        print(f"\n({'b' if r['name'] == 'demonstration' else 'c'}) {r['name']}")
        table([r])
        print("  " + verdict(r))
    print("\nEvaluation time per history (budget 20 s): "
          + ", ".join(f"{r['name']} {r['seconds']:.1f} s" for r in results))
    if args.ablation:
        from geo.reference import neighbours as contiguity

        weights = contiguity.cercle_weights(cercles.index)
        seeds = {k: v for k, v in histories.items() if k.startswith("generator")}
        ablation(f"the generator ({len(seeds)} seeds)", seeds, cercles, weights,
                 args.horizon_days)
        ablation("the demonstration", {"demonstration": histories["demonstration"]},
                 cercles, weights, args.horizon_days, floors=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())

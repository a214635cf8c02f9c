"""One command line for Veille: ``python -m geo <command> [options]``.

=============  ==========================================================================
command        what it does
=============  ==========================================================================
``import``     import a file of workshops, mediators or tension reports into the store
``export``     export stored records (CSV, with an HXL row, or GeoJSON)
``risk``       the risk score of every cercle
``coverage``   mediator coverage and gaps of every cercle
``forecast``   the forecast of tension reports per cercle
``backtest``   the forecast's rolling-origin evaluation against its baselines
``plan``       where the next mediators or workshops should go
``monitor``    hot spots, emerging hot spots and alerts
``brief``      the leadership brief (PDF or HTML)
``demo``       load or remove the demonstration data
``sync``       fetch new and edited submissions from KoboToolbox or ODK Central forms
``notify``     queue the e-mails of newly fired alerts (and the digest) and deliver them
``backup``     write a consistent copy of the store (SQLite's online backup, pg_dump)
``restore``    restore a backup into the store (the app stopped)
``rebuild``    rebuild a shipped reference file (cercle neighbours, disclosure zones)
=============  ==========================================================================

Every command takes ``--lang fr|en`` (messages and ``--help``; default: ``VEILLE_LANG``, else
the system's ``LANG``, else French), ``--json`` (one JSON document on standard output) and
``--database URL`` (default: the configured store, :class:`geo.settings.Settings`). Exit
status: **0** done; **2** refused, with a one-line message on standard error in the chosen
language (bad input, a file that cannot be read, a store that cannot be reached, a full
disk or a write the store refused: the message never quotes the rows); **1** an unexpected
failure (a bug: its traceback is not hidden).

Each command reads what it needs from the store here, at the edge, and hands frames to the
computations of :mod:`geo.analysis`, :mod:`geo.plans` and :mod:`geo.outputs`.

For cron or systemd timers: ``sync all`` every 15 minutes, ``sync all --full`` nightly
(KoboToolbox shows edits only to a full read), ``notify`` hourly, ``notify --digest`` each
morning. Tokens come from ``VEILLE_KOBO_TOKEN`` / ``VEILLE_ODK_TOKEN`` or the secrets
(``kobo_token`` / ``odk_token`` in ``.streamlit/secrets.toml``), never from the command line
(it would be in the shell history and the process list), and are never printed.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pandas as pd

from geo.i18n import LANGUAGES, format_date, format_number, normalise_language, t
from geo import settings
from geo.settings import Settings, secrets_file

EXIT_OK, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2
#: Longest a plan's solver may be given (seconds, ``plan --time-limit``).
MAX_TIME_LIMIT = 600


class Refused(Exception):
    """A command refused with a one-line message (already in the user's language)."""


# ------------------------------------------------------------------ language and parser
def language(argv: list[str], environ=None) -> str:
    """The language of messages and ``--help``: ``--lang`` if given, else the environment's
    (:func:`geo.settings.language`)."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return normalise_language(argv[i + 1])
        if arg.startswith("--lang="):
            return normalise_language(arg.split("=", 1)[1])
    return normalise_language(settings.language(environ))


class _Formatter(argparse.RawDescriptionHelpFormatter):
    lang = "fr"

    def add_usage(self, usage, actions, groups, prefix=None):
        if prefix is None:           # argparse's own "usage: " (a subcommand's prog passes "")
            prefix = t("cli.usage", self.lang)
        return super().add_usage(usage, actions, groups, prefix)


class Parser(argparse.ArgumentParser):
    """argparse in the user's language: usage, section titles, ``-h`` and errors."""

    def __init__(self, *args, lang: str = "fr", **kwargs):
        formatter = type("Formatter", (_Formatter,), {"lang": lang})
        super().__init__(*args, formatter_class=formatter, add_help=False, **kwargs)
        self.lang = lang
        self._positionals.title = t("cli.positionals", lang)
        self._optionals.title = t("cli.options", lang)
        self.add_argument("-h", "--help", action="help", help=t("cli.opt.help", lang))

    def error(self, message: str):
        detail = argparse_message(message, self.lang)
        self.exit(EXIT_REFUSED, f"{self.prog}: {t('cli.error', self.lang, detail=detail)}\n")


#: argparse's error messages (its English, Python 3.11) and their keys in geo/i18n/cli.py:
#: argparse has no catalogue of its own, so its messages are read back and said again.
ARGPARSE_ERRORS = tuple((re.compile(pattern), key) for pattern, key in (
    (r"the following arguments are required: (?P<args>.+)", "required"),
    (r"unrecognized arguments: (?P<args>.+)", "unrecognized"),
    (r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)", "choice"),
    (r"invalid (?P<type>\S+) value: (?P<value>.+)", "value"),
    (r"expected one argument", "one"),
    (r"expected at least one argument", "at_least_one"),
    (r"expected at most one argument", "at_most_one"),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)", "ambiguous"),
    (r"not allowed with argument (?P<arg>.+)", "not_with"),
    (r"one of the arguments (?P<args>.+) is required", "one_of"),
    (r"argument (?P<arg>[^:]+): (?P<detail>.+)", "argument"),
))


def argparse_message(message: str, lang: str) -> str:
    """``message`` of argparse in ``lang`` (a message it does not know stays as it is: our
    own argument types already speak the user's language)."""
    for pattern, key in ARGPARSE_ERRORS:
        found = pattern.fullmatch(message)
        if found:
            words = found.groupdict()
            if "detail" in words:
                words["detail"] = argparse_message(words["detail"], lang)
            return t(f"cli.argparse.{key}", lang, **words)
    return message


def build_parser(lang: str = "fr") -> Parser:
    """The whole command line, its help in ``lang``."""
    from geo.analysis import coverage, monitor
    from geo.analysis.forecast import DEFAULT_HORIZON, HORIZONS
    from geo.analysis.indicators import DEFAULT_WINDOW_DAYS, WINDOW_DAYS_RANGE
    from geo.outputs.brief import DEFAULT_SECTIONS, FORMATS, SECTIONS
    from geo.plans import planner
    from geo.records.fields import KINDS

    def helptext(key, **values):
        return t(f"cli.{key}", lang, **values)

    def day(text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise argparse.ArgumentTypeError(helptext("bad_date", text=text)) from None

    def within(cast, lo, hi):
        """An argument type: ``cast(text)``, finite, from ``lo`` to ``hi`` (a value a
        command's cost grows with is bounded, as on screen)."""
        def parse(text: str):
            try:
                value = cast(text)
                if math.isfinite(value) and lo <= value <= hi:
                    return value
            except (ValueError, OverflowError):
                pass
            raise argparse.ArgumentTypeError(helptext("bad_number", text=text, lo=lo, hi=hi))
        return parse

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--lang", choices=LANGUAGES, default=lang, help=helptext("opt.lang"))
    common.add_argument("--json", action="store_true", help=helptext("opt.json"))
    common.add_argument("--database", metavar="URL", help=helptext("opt.database"))
    dated = argparse.ArgumentParser(add_help=False)
    dated.add_argument("--as-of", type=day, metavar="YYYY-MM-DD", help=helptext("opt.as_of"))

    root = Parser(prog="python -m geo", description=helptext("description"), lang=lang)
    commands = root.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                   title=helptext("commands"), parser_class=Parser)

    def command(name, run, *parents, **kwargs):
        p = commands.add_parser(name, parents=[common, *parents], lang=lang,
                                help=helptext(f"{name}.help"), description=helptext(f"{name}.help"),
                                **kwargs)
        p.set_defaults(run=run)
        return p

    p = command("import", _import)
    p.add_argument("kind", choices=KINDS, help=helptext("arg.kind"))
    p.add_argument("file", type=Path, help=helptext("arg.file"))
    p.add_argument("--dry-run", action="store_true", help=helptext("import.dry_run"))

    p = command("export", _export)
    p.add_argument("kind", choices=KINDS, help=helptext("arg.kind"))
    p.add_argument("--format", choices=("csv", "geojson"), default="csv", help=helptext("opt.format"))
    p.add_argument("--hxl", action="store_true", help=helptext("export.hxl"))
    p.add_argument("-o", "--output", type=Path, help=helptext("opt.output_stdout"))
    p.add_argument("--restricted", action="store_true", help=helptext("export.restricted"))

    window = within(int, *WINDOW_DAYS_RANGE)
    p = command("risk", _risk, dated)
    p.add_argument("--window-days", type=window, default=DEFAULT_WINDOW_DAYS,
                   help=helptext("opt.window"))

    p = command("coverage", _coverage, dated)
    p.add_argument("--measure", choices=tuple(coverage.COVERAGE_MEASURES),
                   default="mediators_per_10k", help=helptext("coverage.measure"))
    p.add_argument("--risk-threshold", type=within(float, 0, 10),
                   default=coverage.RISK_LEVELS[coverage.DEFAULT_RISK_LEVEL],
                   help=helptext("coverage.risk_threshold"))
    p.add_argument("--coverage-threshold", type=within(float, 0, 10_000),
                   help=helptext("coverage.coverage_threshold"))

    for name, run in (("forecast", _forecast), ("backtest", _backtest)):
        p = command(name, run, *((dated,) if name == "forecast" else ()))
        p.add_argument("--horizon-days", type=int, choices=HORIZONS, default=DEFAULT_HORIZON,
                       help=helptext("opt.horizon"))

    p = command("plan", _plan, dated)
    # N and the radius: bounded by the planner itself (its own messages)
    p.add_argument("--new", type=int, help=helptext("plan.new"))
    p.add_argument("--radius-km", type=float, help=helptext("plan.radius"))
    p.add_argument("--model", choices=planner.MODELS, default="mclp", help=helptext("plan.model"))
    p.add_argument("--demand", choices=planner.DEMANDS, default="population",
                   help=helptext("plan.demand"))
    p.add_argument("--workshops", type=int, metavar="K", help=helptext("plan.workshops"))
    p.add_argument("--region", action="append", help=helptext("plan.region"))
    p.add_argument("--cercle", action="append", help=helptext("plan.cercle"))
    p.add_argument("--exclude", action="append", help=helptext("plan.exclude"))
    p.add_argument("--exclude-cercle", action="append", help=helptext("plan.exclude_cercle"))
    p.add_argument("--time-limit", type=within(float, 1, MAX_TIME_LIMIT),
                   default=planner.DEFAULT_TIME_LIMIT, help=helptext("plan.time_limit"))

    p = command("monitor", _monitor, dated)
    p.add_argument("what", choices=["hotspots", "emerging", "alerts"], help=helptext("monitor.what"))
    p.add_argument("--window-days", type=window, default=90, help=helptext("opt.window"))
    p.add_argument("--months", type=within(int, 3, 120), default=24,
                   help=helptext("monitor.months"))
    p.add_argument("--level", choices=monitor.LEVELS, default="cercle", help=helptext("monitor.level"))
    p.add_argument("--weight", choices=monitor.WEIGHTS, default="count",
                   help=helptext("monitor.weight"))
    p.add_argument("--contiguity", choices=monitor.CONTIGUITY, default="queen",
                   help=helptext("monitor.contiguity"))
    p.add_argument("--band-km", type=within(float, 1, 2000), default=monitor.DEFAULT_BAND_KM,
                   help=helptext("monitor.band"))
    p.add_argument("--permutations", type=within(int, 19, 99_999),
                   default=monitor.PERMUTATIONS, help=helptext("monitor.permutations"))
    p.add_argument("--seed", type=int, default=monitor.SEED, help=helptext("monitor.seed"))

    p = command("brief", _brief, dated)
    p.add_argument("--format", choices=FORMATS, default=None, help=helptext("brief.format"))
    p.add_argument("--view", default="", help=helptext("brief.view"))
    p.add_argument("--window", type=within(int, *WINDOW_DAYS_RANGE), default=None,
                   help=helptext("brief.window"))
    p.add_argument("--focus", default=None, help=helptext("brief.focus"))
    p.add_argument("--scenario", type=int, action="append", default=[],
                   help=helptext("brief.scenario"))
    p.add_argument("--sections", default=",".join(DEFAULT_SECTIONS),
                   help=helptext("brief.sections", all=",".join(SECTIONS),
                                 default=",".join(DEFAULT_SECTIONS)))
    p.add_argument("-o", "--output", required=True, help=helptext("opt.output"))

    p = command("demo", _demo)
    p.add_argument("action", choices=["load", "remove"], help=helptext("demo.action"))

    p = command("sync", _sync)
    p.add_argument("platform", choices=["kobo", "odk", "all"], help=helptext("sync.platform"))
    p.add_argument("--server", help=helptext("sync.server"))
    p.add_argument("--form", help=helptext("sync.form"))
    p.add_argument("--project", help=helptext("sync.project"))
    p.add_argument("--label", help=helptext("sync.label"))
    p.add_argument("--full", action="store_true", help=helptext("sync.full"))

    p = command("notify", _notify, dated)
    p.add_argument("--digest", action="store_true", help=helptext("notify.digest"))

    p = command("backup", _backup)
    p.add_argument("file", type=Path, help=helptext("backup.file"))
    p = command("restore", _restore)
    p.add_argument("file", type=Path, help=helptext("restore.file"))
    p.add_argument("--force", action="store_true", help=helptext("restore.force"))

    p = command("rebuild", _rebuild)
    p.add_argument("file", choices=["neighbours", "zones"], help=helptext("rebuild.file"))
    return root


#: The options every command shares, with whether they take a value.
SHARED = {"--lang": True, "--database": True, "--json": False}


def shared_last(argv: list[str]) -> list[str]:
    """``argv`` with the shared options given before the command moved after it
    (``python -m geo --lang en risk`` is ``python -m geo risk --lang en``)."""
    front, i = [], 0
    while i < len(argv):
        name = argv[i].split("=", 1)[0]
        if name not in SHARED:
            break
        takes = SHARED[name] and "=" not in argv[i]
        front += argv[i:i + 1 + takes]
        i += 1 + takes
    return argv[i:] + front


def main(argv: list[str] | None = None) -> int:
    argv = shared_last(sys.argv[1:] if argv is None else list(argv))
    lang = language(argv)
    args = build_parser(lang).parse_args(argv)
    config = Settings.from_environment(secrets_file())
    try:
        return args.run(args, config)
    except Refused as refused:
        print(str(refused), file=sys.stderr)
        return EXIT_REFUSED
    except Exception as err:  # noqa: BLE001 - the store's failures only; the rest re-raised
        from geo.records import store

        kind = store.failure(err)
        if kind is None:
            raise
        # one line, never the store's own text (it may quote the rows being written)
        print(t(f"store.failure.{kind}", args.lang, kind=type(err).__name__), file=sys.stderr)
        return EXIT_REFUSED


# ------------------------------------------------------------------ the edge: the store
def _engine(args, config: Settings):
    from sqlalchemy.exc import SQLAlchemyError

    from geo.records import store

    try:
        return store.make_engine(args.database or config.database_url,
                                 pool_size=config.pool_size)
    except (SQLAlchemyError, OSError) as err:
        raise Refused(t("cli.store_unreachable", args.lang, kind=type(err).__name__)) from None


def _records(engine) -> dict[str, pd.DataFrame]:
    """Every stored record; tension reports as they may be published
    (:func:`geo.analysis.disclosure.published_reports`)."""
    from geo.analysis import disclosure
    from geo.records import store

    records = store.load_all(engine)
    records["tensions"] = disclosure.published_reports(records["tensions"])
    return records


def _as_of(args, records: dict[str, pd.DataFrame], asked: date | None = None) -> date:
    """The command's as-of date: ``asked`` (default ``--as-of``), else the latest record's;
    refused (exit 2) outside the data (:func:`geo.analysis.view.as_of_range`), where a
    date far off would cost minutes and gigabytes, or overflow."""
    from geo.analysis import indicators, view

    asked = asked or getattr(args, "as_of", None)
    if asked is None:
        return indicators.default_as_of(records)
    first, last = view.as_of_range(records)
    if not first <= asked <= last:
        raise Refused(t("cli.as_of_outside", args.lang, asked=asked.isoformat(),
                        first=first.isoformat(), last=last.isoformat()))
    return asked


def _table(engine, records, args, config: Settings, window_days: int | None = None):
    """The indicator table of the command's as-of date (default: the latest record)."""
    from geo.analysis import indicators, table
    from geo.records import context

    as_of = _as_of(args, records)
    return table.cercle_indicators(
        records, context.ratings(engine), as_of,
        window_days or indicators.DEFAULT_WINDOW_DAYS, min_count=config.min_count), as_of


def _print(args, rows, lines) -> None:
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, default=_json_value))
    else:
        for line in lines:
            print(line)


def _json_value(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


def _r(value, digits: int = 3):
    return None if value is None or pd.isna(value) else round(float(value), digits)


# ------------------------------------------------------------------ commands
def _import(args, config: Settings) -> int:
    from geo.ingest.importer import import_file
    from geo.ingest.report import ImportRefused
    from geo.records import roles

    try:
        data = args.file.read_bytes()
    except OSError:
        raise Refused(t("ingest.refused.file_unreadable", args.lang, file=args.file)) from None
    engine = _engine(args, config)
    try:
        report = import_file(engine, args.kind, data, args.file.name, dry_run=args.dry_run,
                             actor=roles.operator())
    except ImportRefused as exc:
        raise Refused(exc.message(args.lang)) from None
    if args.json:
        print(json.dumps(report.as_dict(args.lang), ensure_ascii=False))
    else:
        print(t("ingest.summary", args.lang, rows=report.rows, accepted=report.accepted,
                rejected=report.rejected, duplicates=report.duplicates,
                warnings=report.warnings))
        for row, reasons, _ in report.rejections:
            print(f"  {row}: " + " ; ".join(r.text(args.lang) for r in reasons))
    return EXIT_OK


def _export(args, config: Settings) -> int:
    from geo.outputs import export

    try:
        data = export.export(_engine(args, config), args.kind, args.format, args.hxl,
                             args.restricted)
    except export.RestrictedExport:
        raise Refused(t("cli.export.refused_restricted", args.lang, kind=args.kind)) from None
    if args.output:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


def _risk(args, config: Settings) -> int:
    from geo.analysis import risk

    engine = _engine(args, config)
    table, as_of = _table(engine, _records(engine), args, config, args.window_days)
    rows = risk.scores_records(risk.score(table, risk.method_for(table)))
    lines = [t("cli.risk.heading", args.lang, as_of=format_date(as_of, args.lang), days=args.window_days)]
    lang, percent = args.lang, " %" if args.lang == "fr" else "%"
    for r in rows:
        shown = t("cli.no_data", lang) if r["score"] is None \
            else f"{format_number(r['score'], lang, 2):>5}"
        label = t(f"risk.class.{r['class']}", lang) if r["class"] else ""
        lines.append(f"{r['rank'] or '-':>3} {r['cercle_id']:22s} {shown} {label} "
                     f"({t('cli.risk.completeness', lang)} "
                     f"{format_number(100 * r['completeness'], lang, 0)}{percent})")
    _print(args, rows, lines)
    return EXIT_OK


def _coverage(args, config: Settings) -> int:
    from geo import reference
    from geo.analysis import coverage, risk

    engine = _engine(args, config)
    records = _records(engine)
    table, as_of = _table(engine, records, args, config)
    scores = risk.score(table, risk.method_for(table))
    result = coverage.compute(records, reference.load(), as_of, config.min_count)
    both = coverage.gap_table(scores, result, coverage.GapRule(
        args.measure, args.risk_threshold, args.coverage_threshold))
    gaps, shown = both.gaps, both.cercles
    rows = []
    for cid in gaps.sort_values("gap_rank").index:
        k = shown.loc[cid]
        rows.append({
            "cercle_id": cid,
            "mediators": None if pd.isna(k["mediators"]) else int(k["mediators"]),
            "mediators_per_10k": _r(k["mediators_per_10k"]),
            "mediators_per_1000km2": _r(k["mediators_per_1000km2"]),
            "communes_without_mediator": int(k["communes_without_mediator"]),
            "population_without_mediator_est": _r(k["population_without_mediator"], 0),
            "mean_distance_km": _r(k["mean_distance_km"], 1),
            "mean_distance_band": k["mean_distance_txt"] or None,
            "risk_score": _r(gaps.at[cid, "risk_score"]),
            "gap_class": gaps.at[cid, "gap_class"], "gap_rank": int(gaps.at[cid, "gap_rank"]),
        })
    lines = [t("cli.coverage.heading", args.lang, as_of=format_date(as_of, args.lang),
               risk=format_number(gaps.attrs['risk_threshold'], args.lang, 2),
               measure=args.measure,
               coverage=format_number(gaps.attrs['coverage_threshold'], args.lang, 2))]
    hidden = t("cli.hidden", args.lang)
    for r in rows:
        lines.append(t("cli.coverage.row", args.lang, rank=f"{r['gap_rank']:>3}",
                       cercle=f"{r['cercle_id']:22s}",
                       gap=f"{r['gap_class'] or t('cli.no_data', args.lang):10s}",
                       mediators=hidden if r["mediators"] is None else r["mediators"],
                       per_10k="-" if r["mediators_per_10k"] is None
                       else format_number(r["mediators_per_10k"], args.lang, 2),
                       without=r["communes_without_mediator"],
                       distance=r["mean_distance_band"] or "-"))
    _print(args, rows, lines)
    return EXIT_OK


def _forecast(args, config: Settings) -> int:
    from geo.analysis import indicators, observation, table

    records = _records(_engine(args, config))
    as_of = _as_of(args, records)
    reference = indicators.reference_indicators()
    known = table.observed_records(records, reference["n_communes"], as_of)
    fc = table.forecaster(known, reference).forecast(as_of, args.horizon_days)
    watched = observation.observed_share(records.get("mediators"), reference["n_communes"],
                                         as_of)
    rows = [{"cercle_id": c, "expected_reports": _r(r.expected_reports, 4),
             "low80": None if pd.isna(r.low80) else int(r.low80),
             "high80": None if pd.isna(r.high80) else int(r.high80), "p_any": _r(r.p_any, 4),
             "p_severe": _r(r.p_severe, 4),
             "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
             "model": fc.attrs["model"], "under_observed": bool(watched[c] <= 0)}
            for c, r in fc.sort_values(["rank", "expected_reports"]).iterrows()]
    lines = [t("cli.forecast.heading", args.lang, as_of=format_date(as_of, args.lang), days=args.horizon_days,
               model=fc.attrs["model"] or t("cli.no_data", args.lang))]
    num = lambda v, d=2: format_number(v, args.lang, d)     # noqa: E731 - the lines below
    lines += [f"{r['rank'] or '-':>3} {r['cercle_id']:22s} {num(r['expected_reports'], 1)} "
              f"[{num(r['low80'], 0)}–{num(r['high80'], 0)}] {num(r['p_any'])} "
              f"{num(r['p_severe'])}"
              + (f" {t('cli.under_observed', args.lang)}" if r["under_observed"] else "")
              for r in rows]
    _print(args, rows, lines)
    return EXIT_OK


def _backtest(args, config: Settings) -> int:
    from geo.analysis import backtest

    result = backtest.forecast_evaluation(_records(_engine(args, config)), args.horizon_days)
    if not args.json:
        result = {k: v for k, v in result.items() if k != "per_origin"}
    print(json.dumps(_plain(result), indent=None if args.json else 2, ensure_ascii=False))
    return EXIT_OK


def _plain(value):
    """JSON-safe: numpy scalars to Python, dates to ISO, NaN to None, ±inf to the strings
    "inf"/"-inf" (an infinite score is a result, not an error)."""
    import numpy as np

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        if math.isnan(value):
            return None
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else round(value, 6)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _places(names: list[str] | None, level: str, lang: str) -> list[str] | None:
    """Region, cercle or commune codes from what a user writes (a code, or any common
    spelling)."""
    from geo.reference import units
    from geo.reference.gazetteer import Gazetteer

    if not names:
        return None
    frames = {"region": units.load_regions, "cercle": units.load_cercles,
              "commune": units.load_communes}
    known = set(frames[level]().index)
    gazetteer, codes = Gazetteer.default(), []
    for name in names:
        if name in known:
            codes.append(name)
            continue
        found = gazetteer.resolve(name, level)
        if not found.ok:
            raise Refused(found.message(lang))
        codes.append(found.code)
    return codes


def _plan(args, config: Settings) -> int:
    from geo import reference
    from geo.analysis import coverage, risk
    from geo.plans import planner

    if not args.workshops and not (args.new and args.radius_km is not None):
        raise Refused(t("cli.plan.needs", args.lang))
    regions = _places(args.region, "region", args.lang)
    cercles = _places(args.cercle, "cercle", args.lang)
    exclude = _places(args.exclude, "commune", args.lang)
    exclude_cercles = _places(args.exclude_cercle, "cercle", args.lang)
    engine = _engine(args, config)
    records = _records(engine)
    ref = reference.load()
    scores = gaps = None
    table, as_of = _table(engine, records, args, config)
    if args.workshops or args.demand in ("risk", "gap"):
        scored = risk.score(table, risk.method_for(table))
        scores = scored.score
        if args.demand == "gap":
            gaps = coverage.gap_table(scored, coverage.compute(records, ref, as_of=as_of)) \
                .gaps["gap_class"]
    try:
        result = planner.deploy(records, new=args.new or 0, workshops=args.workshops or 0,
                                radius_km=30.0 if args.radius_km is None else args.radius_km,
                                model=args.model,
                                demand=args.demand, scores=scores, as_of=as_of,
                                regions=regions, cercles=cercles, exclude=exclude,
                                exclude_cercles=exclude_cercles, gaps=gaps,
                                time_limit=args.time_limit, ref=ref)
    except planner.PlanError as err:
        raise Refused(t(f"planner.error.{err.code}", args.lang, **err.details)) from None
    _print(args, result.as_json(), _plan_lines(result, args.lang))
    return EXIT_OK


def _plan_lines(result, lang: str) -> list[str]:
    """A plan in words, for a person reading the terminal (``--json`` for a program)."""
    from geo.analysis import disclosure
    from geo.i18n import format_number
    from geo.plans import planner
    from geo.reference import units

    communes, cercles = units.load_communes()["commune_fr"], units.load_cercles()["cercle_fr"]
    lines = []
    med, ws = result.mediators, result.workshops
    if med is not None:
        lines.append(t("cli.plan.mediators", lang, useful=len(med.sites), new=med.new,
                       before=format_number(med.covered_before, lang),
                       after=format_number(med.covered_after, lang),
                       d_before=disclosure.band_text(med.distance_before_km, lang) or "—",
                       d_after=disclosure.band_text(med.distance_after_km, lang) or "—"))
        if med.saturated:
            lines.append(planner.saturation_note(med, lang))
        lines += [t("cli.plan.site", lang, order=r.order, commune=communes[r.commune_id],
                    cercle=cercles[r.cercle_id],
                    gain=format_number(r.covered_population_gain, lang),
                    nearer=format_number(r.people_nearer, lang))
                  for r in med.sites.itertuples()]
    if ws is not None:
        lines.append(t("cli.plan.workshops_summary", lang, useful=len(ws.cercles), k=ws.k,
                       share=format_number(100 * ws.share, lang, 1)))
        if ws.saturated:
            lines.append(planner.saturation_note(ws, lang))
        lines += [t("cli.plan.workshop", lang, order=r.order, cercle=cercles[r.cercle_id],
                    weight=format_number(r.weight, lang))
                  for r in ws.cercles.itertuples()]
    return lines


def _monitor(args, config: Settings) -> int:
    from geo.analysis import disclosure, monitor
    from geo.records import store

    tensions = disclosure.published_reports(store.load_records(_engine(args, config),
                                                                "tensions"))
    as_of = _as_of(args, {"tensions": tensions}) if args.as_of else monitor.latest(tensions)
    options = dict(level=args.level, weight=args.weight, contiguity=args.contiguity,
                   band_km=args.band_km, permutations=args.permutations, seed=args.seed)
    key = f"{args.level}_id"
    if args.what == "hotspots":
        rows = monitor.hotspots(tensions, as_of, args.window_days, **options).rename(
            columns={"unit_id": key})[[key, "gi_z", "p_sim", "p_fdr_significant", "class",
                                       "p_z_sim", "value"]]
    elif args.what == "emerging":
        rows = monitor.emerging(tensions, as_of, args.months, **options).rename(
            columns={"unit_id": key})[[key, "category", "mk_tau", "mk_p", "mk_trend",
                                       "hot_months", "cold_months", "reports"]]
    else:
        rows = monitor.alerts(tensions, as_of)
    records = monitor.as_records(rows)
    lines = [t(f"cli.monitor.heading.{args.what}", args.lang, as_of=format_date(as_of, args.lang))]
    lines += ["  ".join(f"{k}={_text_value(v, args.lang)}" for k, v in rec.items())
              for rec in records]
    _print(args, records, lines)
    return EXIT_OK


def _text_value(value, lang: str) -> str:
    """A value of a command's text output as its reader writes it (the JSON keeps it raw)."""
    if isinstance(value, bool):
        return t("audit.yes" if value else "audit.no", lang)
    if isinstance(value, float):
        return format_number(value, lang, 0 if value.is_integer()
                             else 2 if abs(value) >= 0.01 else 4)
    return "-" if value is None else str(value)


def _brief(args, config: Settings) -> int:
    from urllib.parse import parse_qsl

    from geo.analysis import risk
    from geo.analysis.view import Analysis
    from geo.outputs import brief

    from geo import reference

    fmt = args.format or ("html" if args.output.endswith((".html", ".htm")) else "pdf")
    sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = [s for s in sections if s not in brief.SECTIONS]
    ref = reference.load()
    known_focus = set(ref.cercles["cercle_id"]) | set(ref.regions["region_id"])
    if unknown or (args.focus and args.focus not in known_focus):
        print(t("cli.brief.refused", args.lang, what=", ".join(unknown) or args.focus),
              file=sys.stderr)
        return EXIT_REFUSED
    engine = _engine(args, config)
    view = None
    if args.view or args.as_of or args.window:
        records = _records(engine)
        table, _ = _table(engine, records, args, config)
        view, _ignored = Analysis.from_query(dict(parse_qsl(args.view)),
                                             risk.method_for(table))
        view = view.replace(as_of=_as_of(args, records, args.as_of or view.as_of)
                            if args.as_of or view.as_of else None)
        if args.window:
            view = view.replace(window_days=args.window)
    document = brief.build(engine, view, args.lang, args.scenario, config.min_count,
                           focus=args.focus, sections=sections)
    Path(args.output).write_bytes(brief.render(document, fmt))
    return EXIT_OK


def _demo(args, config: Settings) -> int:
    from geo.ingest import demo
    from geo.records import batches, roles, store

    engine = _engine(args, config)
    if args.action == "load":
        if store.demo_in_use(engine):
            print(t("cli.demo.already", args.lang))
            return EXIT_OK
        for kind, rep in demo.load(engine, roles.operator()).items():
            print(t("cli.demo.loaded", args.lang, kind=kind, accepted=rep.accepted,
                    rejected=rep.rejected))
    else:
        removed = batches.remove_demo(engine, roles.operator())
        print(t("cli.demo.removed", args.lang,
                what=", ".join(f"{k} {v}" for k, v in removed.items())))
    return EXIT_OK


def _sync(args, config: Settings) -> int:
    from geo.intake import remote, sync
    from geo.records import roles

    if args.platform != "all" and not (args.server and args.form):
        raise Refused(t("cli.sync.needs", args.lang))
    engine = _engine(args, config)
    try:
        if args.platform == "all":
            sources = {s.source_id: s for s in (
                remote.source(r.platform, r.server, r.form, r.project, r.label)
                for r in sync.sources(engine).itertuples())}
            for item in config.intake_sources:
                found = remote.source(item.get("platform"), item.get("server"),
                                      item.get("form"), item.get("project"), item.get("label"))
                sources.setdefault(found.source_id, found)
            sources = list(sources.values())
        else:
            sources = [remote.source(args.platform, args.server, args.form, args.project,
                                     args.label)]
    except remote.SyncError as exc:
        raise Refused(exc.message(args.lang)) from None
    if not sources:
        print(t("intake.cli.no_sources", args.lang), file=sys.stderr)
        return EXIT_OK
    worst, outs = EXIT_OK, []
    for source in sources:
        token = config.kobo_token if source.platform == "kobo" else config.odk_token
        try:
            report = sync.sync(engine, source, token, roles.operator(), full=args.full)
        except remote.SyncError as exc:
            worst = EXIT_REFUSED
            out = {"source": source.source_id, "error": exc.code,
                   "message": exc.message(args.lang)}
            if not args.json:
                print(out["message"], file=sys.stderr)
        else:
            out = {"source": source.source_id, **sync.counts_of(report),
                   "batch_id": report.batch_id, "full": args.full,
                   "rejections": report.as_dict(args.lang)["rejections"]}
            if not args.json:
                print(t("intake.cli.summary", args.lang, source=source.name, **{
                    k: out[k] for k in ("rows", "accepted", "rejected", "duplicates",
                                        "updated")}))
        outs.append(out)
    if args.json:
        print(json.dumps(outs[0] if args.platform != "all" else outs, ensure_ascii=False,
                         default=str))
    return worst


def _notify(args, config: Settings) -> int:
    from geo.outputs import notify

    from geo.records import store, triggers

    engine = _engine(args, config)
    tensions = store.load_records(engine, "tensions")
    as_of = (_as_of(args, _records(engine)) if args.as_of
             else datetime.now(timezone.utc).date())
    table = None
    if any(tr_.kind == "forecast" for tr_ in triggers.listing(engine)):
        table = _table(engine, _records(engine), args, config)[0]
    out = notify.queue_alerts(engine, as_of, config.public_url, tensions=tensions,
                              triggers=notify.trigger_alerts(engine, tensions, as_of, table))
    if args.digest:                # the digest of the last whole day, unless a date is given
        day = args.as_of or as_of - timedelta(days=1)
        out["digest"] = notify.queue_digest(engine, day, config.public_url)["queued"]
    out.update(notify.deliver(engine, config.smtp))
    if args.json:
        print(json.dumps(out))
    else:
        print(t("intake.cli.notify", args.lang, **out))
    return EXIT_OK


def _backup(args, config: Settings) -> int:
    from geo.records import backup

    size = _backup_step(lambda url: backup.backup(url, args.file), config)
    print(t("cli.backup.done", args.lang, file=args.file, size=size))
    return EXIT_OK


def _restore(args, config: Settings) -> int:
    import sqlalchemy as sa

    from geo.records import backup

    app_role = (sa.engine.make_url(config.database_url).username
                if config.database_owner_url else None)
    counts = _backup_step(lambda url: backup.restore(args.file, url, force=args.force,
                                                     app_role=app_role), config)
    print(", ".join(f"{name} {n}" for name, n in counts.items()))
    return EXIT_OK


def _backup_step(step, config: Settings):
    """A backup or a restore as the tables' owner when configured; one line when it fails."""
    from sqlalchemy.exc import SQLAlchemyError

    from geo.records import backup

    try:
        return step(config.database_owner_url or config.database_url)
    except backup.BackupError as exc:
        raise Refused(str(exc)) from None
    except (OSError, SQLAlchemyError, ValueError) as exc:
        # one line, never a traceback (SQLAlchemy's own text adds the statement below)
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise Refused(f"Échec / failed: {first}") from None


def _rebuild(args, config: Settings) -> int:
    from geo.analysis import disclosure
    from geo.reference import neighbours, units

    if args.file == "neighbours":
        neighbours.write_neighbours_file()
        print(neighbours.NEIGHBOURS_FILE)
    else:
        path = units.DATA_DIR / units.ZONES_FILE
        communes = units.load_communes()
        disclosure.zones_file(communes).to_csv(path, index=False)
        print(f"{path}: {len(communes)}")
    return EXIT_OK

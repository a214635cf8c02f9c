"""Command line (cron / systemd timers)::

    python -m geo.intake sync kobo --server URL --form ASSET_UID [--full] [--json] [--lang en]
    python -m geo.intake sync odk --server URL --project N --form FORM_ID [--full] [--json]
    python -m geo.intake sync all [--full] [--json]      # every connected and configured form
    python -m geo.intake notify [--digest] [--as-of YYYY-MM-DD] [--json]

The token comes from ``VEILLE_KOBO_TOKEN`` / ``VEILLE_ODK_TOKEN`` or the secrets
(``kobo_token`` / ``odk_token`` in ``.streamlit/secrets.toml``), never from the command line
(it would be in the shell history and the process list) and is never printed. Exit status
0 when the sync ran (its counts printed), 2 with a one-line message when the server refuses
(bad token, unknown form) or cannot be reached, or the form's fields changed — nothing is
stored then. ``notify`` queues the e-mails of newly fired alerts (and with ``--digest``
the digest of the day before) and delivers the outbox over the configured SMTP server.

Suggested schedule: ``sync all`` every 15 minutes, ``sync all --full`` nightly (KoboToolbox
shows edits only to a full read), ``notify`` hourly, ``notify --digest`` each morning.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta, timezone

from geo import access, store
from geo.i18n import t
from geo.intake import remote, sync
from geo.settings import Settings, secrets_file


def _settings() -> Settings:
    return Settings.from_environment(secrets_file())


def _token(config: Settings, platform: str) -> str | None:
    return config.kobo_token if platform == "kobo" else config.odk_token


def _run(engine, config, source, args) -> tuple[int, dict]:
    try:
        report = sync.sync(engine, source, _token(config, source.platform), access.operator(),
                           full=args.full)
    except remote.SyncError as exc:
        return 2, {"source": source.source_id, "error": exc.code,
                   "message": exc.message(args.lang)}
    return 0, {"source": source.source_id, **sync.counts_of(report),
               "batch_id": report.batch_id, "full": args.full,
               "rejections": report.as_dict(args.lang)["rejections"]}


def _sync(args) -> int:
    config = _settings()
    try:
        if args.platform == "all":
            engine = store.make_engine(config.database_url)
            stored = sync.sources(engine)
            sources = {s.source_id: s for s in (
                remote.source(r.platform, r.server, r.form, r.project, r.label)
                for r in stored.itertuples())}
            for item in config.intake_sources:
                s = remote.source(item.get("platform"), item.get("server"), item.get("form"),
                                  item.get("project"), item.get("label"))
                sources.setdefault(s.source_id, s)
            sources = list(sources.values())
        else:
            sources = [remote.source(args.platform, args.server, args.form, args.project,
                                     args.label)]
            engine = store.make_engine(config.database_url)
    except remote.SyncError as exc:
        print(exc.message(args.lang), file=sys.stderr)
        return 2
    if not sources:
        print(t("intake.cli.no_sources", args.lang), file=sys.stderr)
        return 0
    worst, outs = 0, []
    for source in sources:
        code, out = _run(engine, config, source, args)
        worst = max(worst, code)
        outs.append(out)
        if not args.json:
            if code:
                print(out["message"], file=sys.stderr)
            else:
                print(t("intake.cli.summary", args.lang, source=source.name, **{
                    k: out[k] for k in ("rows", "accepted", "rejected", "duplicates",
                                        "updated")}))
    if args.json:
        print(json.dumps(outs[0] if args.platform != "all" else outs, ensure_ascii=False,
                         default=str))
    return worst


def _notify(args) -> int:
    from geo.outputs import notify

    config = _settings()
    engine = store.make_engine(config.database_url)
    as_of = args.as_of or datetime.now(timezone.utc).date()
    out = notify.queue_alerts(engine, as_of, config.public_url)
    if args.digest:                # the digest of the last whole day, unless a date is given
        day = args.as_of or as_of - timedelta(days=1)
        out["digest"] = notify.queue_digest(engine, day, config.public_url)["queued"]
    out.update(notify.deliver(engine, config.smtp))
    if args.json:
        print(json.dumps(out))
    else:
        print(t("intake.cli.notify", args.lang, **out))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.intake",
                                     description="Synchronise forms; send alert e-mails.")
    commands = parser.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("sync", help="fetch new and edited submissions")
    cmd.add_argument("platform", choices=["kobo", "odk", "all"])
    cmd.add_argument("--server", help="e.g. https://kf.kobotoolbox.org")
    cmd.add_argument("--form", help="KoboToolbox asset uid or ODK Central xmlFormId")
    cmd.add_argument("--project", help="ODK Central project id")
    cmd.add_argument("--label")
    cmd.add_argument("--full", action="store_true", help="read every submission again")
    note = commands.add_parser("notify", help="queue alert e-mails and deliver the outbox")
    note.add_argument("--digest", action="store_true", help="also the daily digest")
    note.add_argument("--as-of", type=date.fromisoformat, default=None)
    for sub in (cmd, note):
        sub.add_argument("--json", action="store_true")
        sub.add_argument("--lang", choices=("fr", "en"), default="fr")
    args = parser.parse_args(argv)
    if args.command == "sync":
        if args.platform != "all" and not (args.server and args.form):
            parser.error("--server and --form are required")
        return _sync(args)
    return _notify(args)

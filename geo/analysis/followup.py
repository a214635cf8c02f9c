"""What followed the actions of the register: how long they took, and the reports before and
after them.

For each action (:func:`geo.records.actions.listing`):

* ``delay_days`` = started_on − planned_on (days late, negative when early), once started;
* ``duration_days`` = ended_on − started_on, once done;
* for each window w of :data:`WINDOWS` (30 and 90 days), once done: ``before_w`` = the
  cercle's reports (not verified false) in (started_on − w, started_on] and ``after_w`` =
  those in (ended_on, ended_on + w] — the action's own span is left out. An after-window that
  runs past ``as_of`` (the latest record date) is not judged yet: both stay empty (NaN).

:func:`summary` adds them up per cercle and overall: counts by status, median delay and
duration, and per window the number of judged actions, the reports before and after, and
the change (after − before) / before in percent.

This is a description, not an effect: actions go where tension is high, and high counts tend
to fall back on their own (regression to the mean); other things change at the same time.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from geo.analysis import indicators

WINDOWS = (30, 90)
PER_ACTION = ["action_id", "cercle_id", "kind", "status", "delay_days", "duration_days",
              *[f"{side}_{w}" for w in WINDOWS for side in ("before", "after")]]


def _count(reports: pd.DataFrame, cercle: str, start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Reports of ``cercle`` with start < day ≤ end."""
    days = reports.get(cercle)
    if days is None:
        return 0
    return int(np.searchsorted(days, end.to_datetime64(), side="right")
               - np.searchsorted(days, start.to_datetime64(), side="right"))


def per_action(actions: pd.DataFrame, tensions: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """One row per action (:data:`PER_ACTION`; module docstring)."""
    counted = indicators.counted_reports(tensions)
    reports: dict[str, np.ndarray] = {}
    if counted is not None and len(counted):
        day = pd.to_datetime(counted["occurred_on"])
        keep = (day <= pd.Timestamp(as_of)).to_numpy() & counted["cercle_id"].notna().to_numpy()
        frame = pd.DataFrame({"cercle_id": counted["cercle_id"].to_numpy()[keep],
                              "day": day.to_numpy()[keep]})
        reports = {c: np.sort(g["day"].to_numpy()) for c, g in frame.groupby("cercle_id")}
    end = pd.Timestamp(as_of)
    rows = []
    for a in actions.itertuples():
        started = pd.Timestamp(a.started_on) if _known(a.started_on) else None
        ended = pd.Timestamp(a.ended_on) if _known(a.ended_on) else None
        row = {"action_id": a.action_id, "cercle_id": a.cercle_id, "kind": a.kind,
               "status": a.status,
               "delay_days": (started - pd.Timestamp(a.planned_on)).days if started else np.nan,
               "duration_days": (ended - started).days
               if a.status == "done" and started and ended else np.nan}
        for w in WINDOWS:
            span = pd.Timedelta(days=w)
            judged = a.status == "done" and started and ended and ended + span <= end
            row[f"before_{w}"] = _count(reports, a.cercle_id, started - span, started) \
                if judged else np.nan
            row[f"after_{w}"] = _count(reports, a.cercle_id, ended, ended + span) \
                if judged else np.nan
        rows.append(row)
    return pd.DataFrame(rows, columns=PER_ACTION)


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and np.isnan(value)) \
        and not pd.isna(value)


def summary(rows: pd.DataFrame) -> pd.DataFrame:
    """:func:`per_action` added up per cercle, and overall (index ``"all"``, last): actions
    by status, ``median_delay_days``, ``median_duration_days``, and per window
    ``judged_w``, ``before_w``, ``after_w``, ``change_w`` (%; NaN when nothing before)."""
    def one(group: pd.DataFrame) -> dict:
        out = {"actions": len(group)}
        for status in ("planned", "under_way", "done", "cancelled"):
            out[status] = int((group["status"] == status).sum())
        out["median_delay_days"] = group["delay_days"].median()
        out["median_duration_days"] = group["duration_days"].median()
        for w in WINDOWS:
            judged = group[group[f"after_{w}"].notna()]
            before, after = judged[f"before_{w}"].sum(), judged[f"after_{w}"].sum()
            out[f"judged_{w}"] = len(judged)
            out[f"before_{w}"] = int(before)
            out[f"after_{w}"] = int(after)
            out[f"change_{w}"] = 100 * (after - before) / before if before else np.nan
        return out

    table = {c: one(g) for c, g in rows.groupby("cercle_id")}
    table["all"] = one(rows)
    return pd.DataFrame.from_dict(table, orient="index")

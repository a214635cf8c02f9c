"""Settings, read once at the edge (the app's start, a command line's ``main``) and passed
in: nothing under ``geo/`` reads the environment during a computation.

============================  ===================================  =========================
setting                       environment, else secrets            default
============================  ===================================  =========================
``database_url``              ``VEILLE_DATABASE_URL`` / ``database_url``   SQLite ``var/veille.sqlite``
``min_count``                 ``VEILLE_MIN_COUNT`` / ``min_count``         3 (never below 2)
``demo``                      ``VEILLE_DEMO`` (``0`` = off)                 on: a new store gets the demo
============================  ===================================  =========================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "var" / "veille.sqlite"
DEFAULT_MIN_COUNT = 3


@dataclass(frozen=True)
class Settings:
    """What a deployment configures."""

    database_url: str
    min_count: int = DEFAULT_MIN_COUNT
    demo: bool = True

    @classmethod
    def from_environment(cls, secrets: Mapping | None = None,
                         environ: Mapping | None = None) -> Settings:
        """The settings in force: the environment first, then ``secrets`` (the app's
        ``.streamlit/secrets.toml``), then the defaults."""
        env = os.environ if environ is None else environ
        secrets = secrets or {}
        url = env.get("VEILLE_DATABASE_URL") or secrets.get("database_url") \
            or default_database_url()
        return cls(url, suppression_threshold(env.get("VEILLE_MIN_COUNT")
                                              or secrets.get("min_count")),
                   str(env.get("VEILLE_DEMO", "1")).strip() != "0")


def default_database_url() -> str:
    """The embedded store: SQLite ``var/veille.sqlite`` (its folder made on first use)."""
    DEFAULT_DB_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_DB_PATH}"


def suppression_threshold(value) -> int:
    """A configured threshold as used: an integer, at least 2 (suppression cannot be
    switched off), 3 when unreadable or absent."""
    try:
        return max(2, int(value)) if value not in (None, "") else DEFAULT_MIN_COUNT
    except (TypeError, ValueError):
        return DEFAULT_MIN_COUNT

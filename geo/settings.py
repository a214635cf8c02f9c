"""Settings, read once at the edge (the app's start, a command line's ``main``) and passed
in: nothing under ``geo/`` reads the environment during a computation.

============================  ===================================  =========================
setting                       environment, else secrets            default
============================  ===================================  =========================
``database_url``              ``VEILLE_DATABASE_URL`` / ``database_url``   SQLite ``var/veille.sqlite``
``min_count``                 ``VEILLE_MIN_COUNT`` / ``min_count``         3 (never below 2)
``demo``                      ``VEILLE_DEMO`` (``0`` = off)                 on: a new store gets the demo
``role_claim``                ``VEILLE_ROLE_CLAIM`` / ``role_claim``       ``roles``
``unknown_users``             ``VEILLE_UNKNOWN_USERS`` / ``unknown_users`` ``none`` (or ``viewer``)
``pool_size``                 ``VEILLE_DB_POOL_SIZE`` / ``pool_size``      5 (PostgreSQL connections)
``database_owner_url``        ``VEILLE_DATABASE_OWNER_URL`` /              none: migrations as the
                              ``database_owner_url``                       app's own role
============================  ===================================  =========================

Sign-in itself is Streamlit's ``[auth]`` section of the secrets (:attr:`Settings.sign_in`):
without it the app is a single local user, bound to this machine (:mod:`geo.gate`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "var" / "veille.sqlite"
DEFAULT_MIN_COUNT = 3
DEFAULT_POOL_SIZE = 5


@dataclass(frozen=True)
class Settings:
    """What a deployment configures."""

    database_url: str
    min_count: int = DEFAULT_MIN_COUNT
    demo: bool = True
    #: The ID-token claim that carries Veille's roles (a dotted name reaches a nested claim).
    role_claim: str = "roles"
    #: The role of a signed-in user found neither in the claim nor in the role table:
    #: None (no access, the default) or "viewer".
    unknown_users: str | None = None
    #: Whether sign-in is configured (an ``[auth]`` section in the secrets).
    sign_in: bool = False
    #: PostgreSQL connections one app process keeps (and as many more at peaks): with N
    #: replicas, N × 2 × pool_size must stay under the server's ``max_connections``.
    pool_size: int = DEFAULT_POOL_SIZE
    #: PostgreSQL: the URL of the tables' owner, which runs the migrations and gives the
    #: application's role (``database_url``'s) only its rights, so that the app cannot
    #: rewrite the audit log (:func:`geo.store.migrate_as_owner`). None: one role does both.
    database_owner_url: str | None = None

    @classmethod
    def from_environment(cls, secrets: Mapping | None = None,
                         environ: Mapping | None = None) -> Settings:
        """The settings in force: the environment first, then ``secrets`` (the app's
        ``.streamlit/secrets.toml``), then the defaults."""
        env = os.environ if environ is None else environ
        secrets = secrets or {}
        url = env.get("VEILLE_DATABASE_URL") or secrets.get("database_url") \
            or default_database_url()
        unknown = str(env.get("VEILLE_UNKNOWN_USERS") or secrets.get("unknown_users")
                      or "").strip().lower()
        return cls(url, suppression_threshold(env.get("VEILLE_MIN_COUNT")
                                              or secrets.get("min_count")),
                   str(env.get("VEILLE_DEMO", "1")).strip() != "0",
                   role_claim=str(env.get("VEILLE_ROLE_CLAIM") or secrets.get("role_claim")
                                  or "roles").strip(),
                   unknown_users="viewer" if unknown == "viewer" else None,
                   sign_in=bool(secrets.get("auth")),
                   pool_size=_pool_size(env.get("VEILLE_DB_POOL_SIZE")
                                        or secrets.get("pool_size")),
                   database_owner_url=env.get("VEILLE_DATABASE_OWNER_URL")
                   or secrets.get("database_owner_url") or None)


def _pool_size(value) -> int:
    """A pool size from the environment: a whole number of at least 1 (else the default)."""
    try:
        return max(1, int(str(value).strip()))
    except (TypeError, ValueError):
        return DEFAULT_POOL_SIZE


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

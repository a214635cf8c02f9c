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
``kobo_token``                ``VEILLE_KOBO_TOKEN`` / ``kobo_token``       none (KoboToolbox API token)
``odk_token``                 ``VEILLE_ODK_TOKEN`` / ``odk_token``         none (ODK Central bearer token)
``intake_sources``            secrets ``[[intake_sources]]``               none (forms to sync: platform, server, form, project, label)
``sms_secret``                ``VEILLE_SMS_SECRET`` / ``sms_secret``       none: the SMS webhook answers 503
``pseudonym_key``             ``VEILLE_PSEUDONYM_KEY`` / ``pseudonym_key`` none: the SMS webhook answers 503
``smtp``                      ``VEILLE_SMTP_HOST``, ``_PORT``, ``_USER``,  none: e-mails wait in the outbox
                              ``_PASSWORD``, ``_FROM``, ``_SECURITY``
                              (``starttls``/``ssl``/``none``) / ``[smtp]``
                              ``host``, ``port``, ``user``, ``password``,
                              ``from``, ``security``
``public_url``                ``VEILLE_PUBLIC_URL`` / ``public_url``       ``http://localhost:8501`` (links in e-mails)
``database_owner_url``        ``VEILLE_DATABASE_OWNER_URL`` /              none: migrations as the
                              ``database_owner_url``                       app's own role
``session_hours``             ``VEILLE_SESSION_HOURS`` / ``session_hours``  12 (a signed-in session's lifetime)
``idle_minutes``              ``VEILLE_IDLE_MINUTES`` / ``idle_minutes``    120 (a session idle that long ends)
``raise_errors``              ``VEILLE_RAISE_ERRORS`` (``1``)              off: an unexpected error is
                                                                   logged and the user told in
                                                                   their language (tests: on)
============================  ===================================  =========================

Secrets (tokens, the SMS secret, the pseudonym key, the SMTP password) are kept out of
:func:`repr` and never printed or logged; they are never written to the store.

Sign-in itself is Streamlit's ``[auth]`` section of the secrets (:attr:`Settings.sign_in`):
without it the app is a single local user, bound to this machine (:mod:`ui.gate`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "var" / "veille.sqlite"
DEFAULT_MIN_COUNT = 3
DEFAULT_POOL_SIZE = 5
DEFAULT_PUBLIC_URL = "http://localhost:8501"
DEFAULT_SESSION_HOURS = 12.0
DEFAULT_IDLE_MINUTES = 120.0
SMTP_SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class Smtp:
    """Where alert e-mails leave from (:mod:`geo.outputs.notify`)."""

    host: str
    port: int = 587
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "veille@localhost"
    #: ``starttls`` (port 587), ``ssl`` (implicit TLS, port 465) or ``none`` (a relay on the
    #: same machine or network)
    security: str = "starttls"


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
    #: API tokens of KoboToolbox and ODK Central (never stored, printed or logged).
    kobo_token: str | None = field(default=None, repr=False)
    odk_token: str | None = field(default=None, repr=False)
    #: Forms to synchronise, as the secrets list them (``[[intake_sources]]``: ``platform``,
    #: ``server``, ``form``, ``project`` for ODK Central, ``label``).
    intake_sources: tuple = ()
    #: The SMS gateways' shared secret (header or HMAC signature key, :mod:`geo.intake.webhook`).
    sms_secret: str | None = field(default=None, repr=False)
    #: The key of the senders' pseudonyms (HMAC-SHA256 of the phone number).
    pseudonym_key: str | None = field(default=None, repr=False)
    smtp: Smtp | None = None
    #: The app's public address, for the links in e-mails.
    public_url: str = DEFAULT_PUBLIC_URL
    #: PostgreSQL: the URL of the tables' owner, which runs the migrations and gives the
    #: application's role (``database_url``'s) only its rights, so that the app cannot
    #: rewrite the audit log (:func:`geo.records.store.migrate_as_owner`). None: one role does both.
    database_owner_url: str | None = field(default=None, repr=False)
    #: A signed-in session ends this many hours after its sign-in (:mod:`geo.records.sessions`).
    session_hours: float = DEFAULT_SESSION_HOURS
    #: … or after this many minutes without a page run.
    idle_minutes: float = DEFAULT_IDLE_MINUTES
    #: An unexpected error in a page is raised to Streamlit (the tests, to see it) instead of
    #: being logged and said to the user in their language.
    raise_errors: bool = False

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
                   kobo_token=_text(env.get("VEILLE_KOBO_TOKEN") or secrets.get("kobo_token")),
                   odk_token=_text(env.get("VEILLE_ODK_TOKEN") or secrets.get("odk_token")),
                   intake_sources=tuple(dict(s) for s in secrets.get("intake_sources") or ()
                                        if isinstance(s, Mapping)),
                   sms_secret=_text(env.get("VEILLE_SMS_SECRET") or secrets.get("sms_secret")),
                   pseudonym_key=_text(env.get("VEILLE_PSEUDONYM_KEY")
                                       or secrets.get("pseudonym_key")),
                   smtp=_smtp(env, secrets.get("smtp") or {}),
                   public_url=(_text(env.get("VEILLE_PUBLIC_URL") or secrets.get("public_url"))
                               or DEFAULT_PUBLIC_URL).rstrip("/"),
                   database_owner_url=_text(env.get("VEILLE_DATABASE_OWNER_URL")
                                            or secrets.get("database_owner_url")),
                   session_hours=_positive(env.get("VEILLE_SESSION_HOURS")
                                           or secrets.get("session_hours"),
                                           DEFAULT_SESSION_HOURS, 24 * 30),
                   idle_minutes=_positive(env.get("VEILLE_IDLE_MINUTES")
                                          or secrets.get("idle_minutes"),
                                          DEFAULT_IDLE_MINUTES, 24 * 60 * 30),
                   raise_errors=str(env.get("VEILLE_RAISE_ERRORS", "0")).strip() == "1")


def secrets_file(path: Path | None = None) -> dict:
    """The app's secrets (``.streamlit/secrets.toml`` of the working directory, else of the
    project) for a command line, which has no Streamlit to read them; {} when absent or
    unreadable."""
    import tomllib

    for candidate in ([path] if path else [Path.cwd() / ".streamlit" / "secrets.toml",
                                           DEFAULT_DB_PATH.parent.parent / ".streamlit"
                                           / "secrets.toml"]):
        try:
            return tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return {}


def _text(value) -> str | None:
    """A configured text, stripped; None when absent or empty."""
    text = str(value).strip() if value is not None else ""
    return text or None


def _smtp(env: Mapping, section: Mapping) -> Smtp | None:
    """The SMTP server from ``VEILLE_SMTP_*`` or the secrets' ``[smtp]`` (None without a
    host)."""
    def get(name: str):
        return _text(env.get(f"VEILLE_SMTP_{name.upper()}") or section.get(name))

    host = get("host")
    if not host:
        return None
    security = (get("security") or "starttls").lower()
    if security not in SMTP_SECURITY:
        security = "starttls"
    try:
        port = int(get("port") or (465 if security == "ssl" else 587))
    except ValueError:
        port = 465 if security == "ssl" else 587
    return Smtp(host, port, get("user"), get("password"), get("from") or "veille@localhost",
                security)


def _positive(value, default: float, most: float) -> float:
    """A configured duration: a number above 0 and at most ``most`` (else ``default``)."""
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return default
    return number if 0 < number <= most else default


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


def language(environ: Mapping | None = None) -> str:
    """The language of a command line's messages when ``--lang`` is not given:
    ``VEILLE_LANG``, else English when the system's ``LANG`` is English, else French."""
    env = os.environ if environ is None else environ
    if env.get("VEILLE_LANG"):
        return str(env["VEILLE_LANG"]).strip().lower()[:2]
    return "en" if str(env.get("LANG", "")).lower().startswith("en") else "fr"

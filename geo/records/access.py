"""Who may do what: roles, the acting user, the role table.

Three roles, each with everything of the one before (Ushahidi's roles and permissions; OCHA's
Data Responsibility Guidelines: access on a need-to-know basis):

* **viewer** — maps, scores, briefs; every count suppressed as published
  (:mod:`geo.analysis.disclosure`), the cercle level included;
* **analyst** — also imports, the review queue, context ratings, planner scenarios, actions;
* **admin** — also deletes batches and scenarios, loads or removes the demonstration data,
  manages the role table, reads the audit log.

Every write under ``geo/`` takes the acting :class:`Actor` as an argument and calls
:func:`require` before touching the store: hiding a button is not the control. The role comes
from the identity provider's ID-token claim (name configurable, default ``roles``; a dotted
name reaches a nested claim, e.g. Keycloak's ``resource_access.veille.roles``), failing that
from the store's role table keyed by e-mail or subject, failing that from the deployment's
``unknown_users`` setting (no access by default, or viewer).

Role-table changes take effect at the user's next page load (the table is read on every run);
a change at the identity provider takes effect at the user's next sign-in (the claim is read
from the ID token).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.records import audit, store

ROLES = ("viewer", "analyst", "admin")
VIEWER, ANALYST, ADMIN = ROLES
DEFAULT_ROLE_CLAIM = "roles"

#: The least role each permission needs.
PERMISSIONS: dict[str, str] = {
    "view": VIEWER,
    "import": ANALYST, "rate": ANALYST, "review": ANALYST, "scenario": ANALYST,
    "act": ANALYST,
    "delete_batch": ADMIN, "delete_scenario": ADMIN, "load_demo": ADMIN, "remove_demo": ADMIN,
    "manage_roles": ADMIN, "audit": ADMIN,
}
MAX_PRINCIPAL = 254


class AccessDenied(PermissionError):
    """A write or a screen refused to ``actor``: ``needed`` is the least role it takes."""

    def __init__(self, actor: Actor | None, permission: str):
        self.actor, self.permission = actor, permission
        self.needed = PERMISSIONS[permission]
        who = actor.subject if actor else "nobody"
        super().__init__(f"{who} ({actor.role if actor else 'no role'}) may not "
                         f"{permission}: it needs the {self.needed} role")


class RoleError(ValueError):
    """A role-table change refused; ``code`` is translated by the screen."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Actor:
    """The user a write is done for. ``subject`` is the identity provider's ``sub`` (or
    ``local``, ``cli:<account>``, ``system``); ``label`` is what screens and the audit log
    show (the e-mail when known); ``source`` says where the role came from."""

    subject: str
    role: str
    label: str
    source: str = "claim"

    def can(self, permission: str) -> bool:
        return self.role in ROLES and rank(self.role) >= rank(PERMISSIONS[permission])


def rank(role: str) -> int:
    return ROLES.index(role)


def require(actor: Actor | None, permission: str) -> Actor:
    """``actor`` if it may ``permission``; else :class:`AccessDenied`."""
    if permission not in PERMISSIONS:
        raise KeyError(permission)
    if actor is None or not actor.can(permission):
        raise AccessDenied(actor, permission)
    return actor


def local_user() -> Actor:
    """The single local user of an app without sign-in, bound to this machine only."""
    return Actor("local", ADMIN, "local", "local")


def operator() -> Actor:
    """Whoever runs a command line on the server (shell access is administration)."""
    return Actor(f"cli:{getpass.getuser()}", ADMIN, f"cli:{getpass.getuser()}", "cli")


#: Veille itself (the demonstration data loaded into a new store).
SYSTEM = Actor("system", ADMIN, "Veille", "system")


def normalise_role(value) -> str | None:
    value = str(value or "").strip().lower()
    return value if value in ROLES else None


def highest(roles: Iterable) -> str | None:
    known = [r for r in map(normalise_role, roles) if r]
    return max(known, key=rank) if known else None


def claim_role(claims: Mapping, claim: str = DEFAULT_ROLE_CLAIM) -> str | None:
    """The highest Veille role in the ID-token claim ``claim`` (a list, or a string of roles
    separated by spaces or commas; a dotted name reaches into nested claims)."""
    value = claims
    for part in (claim or DEFAULT_ROLE_CLAIM).split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return highest(value) if isinstance(value, (list, tuple)) else None


def principals(claims: Mapping) -> list[str]:
    """The role-table keys of a signed-in user: the subject, and the e-mail in lower case
    unless the provider says it is not verified (``email_verified: false``)."""
    keys = [str(claims["sub"])] if claims.get("sub") else []
    email = str(claims.get("email") or "").strip().lower()
    if email and claims.get("email_verified", True) is not False:
        keys.append(email)
    return keys


def label_of(claims: Mapping) -> str:
    for key in ("email", "preferred_username", "name", "sub"):
        if claims.get(key):
            return str(claims[key])[:MAX_PRINCIPAL]
    return "?"


def resolve(claims: Mapping, engine: Engine, claim: str = DEFAULT_ROLE_CLAIM,
            unknown_role: str | None = None) -> Actor | None:
    """The signed-in user's :class:`Actor`, or None (no access)."""
    if not claims.get("sub"):
        return None
    subject, label = str(claims["sub"])[:MAX_PRINCIPAL], label_of(claims)
    if role := claim_role(claims, claim):
        return Actor(subject, role, label, "claim")
    if role := table_role(engine, principals(claims)):
        return Actor(subject, role, label, "table")
    if role := normalise_role(unknown_role):
        return Actor(subject, role, label, "default")
    return None


# ------------------------------------------------------------------ the role table
def table_role(engine: Engine, keys: list[str]) -> str | None:
    if not keys:
        return None
    t = store.user_role
    with engine.connect() as conn:
        return highest(conn.execute(sa.select(t.c.role).where(t.c.principal.in_(keys)))
                       .scalars())


def role_table(engine: Engine) -> pd.DataFrame:
    """The role table, sorted by principal."""
    with engine.connect() as conn:
        result = conn.execute(sa.select(store.user_role).order_by(store.user_role.c.principal))
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def normalise_principal(principal: str) -> str:
    """An e-mail in lower case, or a subject as given; refused when empty, too long or with
    spaces."""
    p = str(principal or "").strip()
    if not p:
        raise RoleError("principal_missing")
    if len(p) > MAX_PRINCIPAL or any(c.isspace() for c in p):
        raise RoleError("principal_invalid")
    return p.lower() if "@" in p else p


def set_role(engine: Engine, principal: str, role: str, actor: Actor) -> str | None:
    """Give ``principal`` the role ``role``; return the role it had. Audited."""
    require(actor, "manage_roles")
    key = normalise_principal(principal)
    if normalise_role(role) is None:
        raise RoleError("role_unknown")
    _refuse_self(key, actor)
    t = store.user_role
    with store.writing(engine) as conn:
        before = conn.execute(sa.select(t.c.role).where(t.c.principal == key)).scalar()
        conn.execute(t.delete().where(t.c.principal == key))
        conn.execute(t.insert().values(principal=key, role=normalise_role(role),
                                       updated_by=actor.label,
                                       updated_at=datetime.now(timezone.utc)))
        audit.record(conn, actor, "role_set", target=key,
                     details={"before": before, "after": normalise_role(role)})
    return before


def remove_role(engine: Engine, principal: str, actor: Actor) -> str | None:
    """Remove ``principal`` from the role table; return the role it had. Audited."""
    require(actor, "manage_roles")
    key = normalise_principal(principal)
    _refuse_self(key, actor)
    t = store.user_role
    with store.writing(engine) as conn:
        before = conn.execute(sa.select(t.c.role).where(t.c.principal == key)).scalar()
        if before is None:
            raise RoleError("principal_unknown")
        conn.execute(t.delete().where(t.c.principal == key))
        audit.record(conn, actor, "role_removed", target=key, details={"before": before})
    return before


def _refuse_self(key: str, actor: Actor) -> None:
    # An administrator cannot change their own entry: no one locks the team out by mistake.
    if key in (actor.subject, actor.label.lower()):
        raise RoleError("self_change")

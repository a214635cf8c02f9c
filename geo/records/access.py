"""Where a signed-in user's role comes from, and the role table.

The role comes from the identity provider's ID-token claim (name configurable, default
``roles``; a dotted name reaches a nested claim, e.g. Keycloak's
``resource_access.veille.roles``), failing that from the store's role table keyed by e-mail or
subject, failing that from the deployment's ``unknown_users`` setting (no access by default,
or viewer). The roles themselves and what each may do: :mod:`geo.records.roles`.

Role-table changes take effect at the user's next page load (the table is read on every run);
a change at the identity provider takes effect at the user's next sign-in (the claim is read
from the ID token).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from geo.records import audit, store
from geo.records.roles import (DEFAULT_ROLE_CLAIM, MAX_PRINCIPAL, Actor, claim_role, highest,
                               label_of, normalise_role, principals, require)


class RoleError(ValueError):
    """A role-table change refused; ``code`` is translated by the screen."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


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

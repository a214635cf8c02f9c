"""Who may do what: the three roles, their permissions, and the acting user.

Three roles, each with everything of the one before (Ushahidi's roles and permissions; OCHA's
Data Responsibility Guidelines: access on a need-to-know basis):

* **viewer** — maps, scores, briefs; every count suppressed as published
  (:mod:`geo.analysis.disclosure`), the cercle level included;
* **analyst** — also imports, the review queue, context ratings, planner scenarios, actions,
  triggers;
* **admin** — also deletes batches and scenarios, loads or removes the demonstration data,
  manages the role table, reads the audit log.

Every write under ``geo/`` takes the acting :class:`Actor` as an argument and calls
:func:`require` before touching the store: hiding a button is not the control. Where a user's
role comes from (the identity provider's claim, the role table, the deployment's default) is
:mod:`geo.records.access`.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


ROLES = ("viewer", "analyst", "admin")
VIEWER, ANALYST, ADMIN = ROLES



DEFAULT_ROLE_CLAIM = "roles"



#: The least role each permission needs.
PERMISSIONS: dict[str, str] = {
    "view": VIEWER,
    "import": ANALYST, "rate": ANALYST, "review": ANALYST, "scenario": ANALYST,
    "act": ANALYST, "trigger": ANALYST,
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

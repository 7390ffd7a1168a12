"""Who a person the company's identity provider vouched for is to revpact: a role, or nobody.

Two sources, tried in this order: the groups claim, through the operator's mapping of group
names to roles (the first group in the mapping's order that the person belongs to wins, so an
operator lists the strongest first); then the agreement's roster — a signatory's e-mail gives
the role of their team (marketing, sales, executive). A signatory keeps their e-mail as the
member they act for whichever source gave the role, so they sign and close months as themself.
Anyone else is nobody: signing in is refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from revpact.domain.agreement.model import Agreement
from revpact.domain.agreement.types import Team
from revpact.domain.roles import Role

__all__ = ["Person", "on_roster", "person_of"]

_TEAM_ROLES: Final[Mapping[Team, Role]] = {
    Team.MARKETING: Role.MARKETING,
    Team.SALES: Role.SALES,
    Team.EXECUTIVE: Role.EXECUTIVE,
}


@dataclass(frozen=True)
class Person:
    """A person revpact admits: their name, role, the member they act for, and what gave the
    role (``groups`` or ``roster``)."""

    name: str
    role: Role
    member: str | None
    granted_by: Literal["groups", "roster"]


def on_roster(agreement: Agreement, email: str) -> bool:
    """Whether ``email`` is a signatory's (compared without regard to case)."""
    wanted = email.casefold()
    return any(person.email.casefold() == wanted for person in agreement.signatories)


def person_of(
    agreement: Agreement,
    *,
    email: str,
    name: str | None,
    groups: Iterable[str],
    group_roles: Mapping[str, Role],
) -> Person | None:
    """The person with (verified) ``email`` in ``groups``; None when neither source knows them."""
    wanted = email.casefold()
    signatory = next((p for p in agreement.signatories if p.email.casefold() == wanted), None)
    member = None if signatory is None else signatory.email
    shown = name or (signatory.name if signatory is not None else email)
    held = set(groups)
    for group, role in group_roles.items():
        if group in held:
            return Person(shown, role, member, "groups")
    if signatory is not None:
        return Person(signatory.name, _TEAM_ROLES[signatory.team], member, "roster")
    return None

"""Who a person the identity provider vouched for is: a mapped group first, then the roster."""

from __future__ import annotations

from revpact.domain.agreement.model import Agreement
from revpact.domain.roles import Role
from revpact.services.people import on_roster, person_of

KEVIN = "Kevin.Tran@company-a.example"  # a salesman on Company A's roster, in another case


def test_the_roster_gives_the_teams_role_and_the_member(agreement: Agreement) -> None:
    found = person_of(agreement, email=KEVIN, name=None, groups=[], group_roles={})
    assert found is not None
    assert (found.role, found.member, found.granted_by) == (
        Role.SALES,
        "kevin.tran@company-a.example",
        "roster",
    )
    assert on_roster(agreement, KEVIN) and not on_roster(agreement, "x@company-a.example")


def test_a_mapped_group_wins_in_the_mappings_order(agreement: Agreement) -> None:
    roles = {"admins": Role.ADMIN, "floor": Role.VIEWER}
    found = person_of(
        agreement, email=KEVIN, name="K", groups=["floor", "admins"], group_roles=roles
    )
    assert found is not None and (found.role, found.granted_by) == (Role.ADMIN, "groups")
    assert found.member == "kevin.tran@company-a.example"
    stranger = person_of(
        agreement, email="a@b.example", name=None, groups=["floor"], group_roles=roles
    )
    assert stranger is not None and (stranger.role, stranger.member) == (Role.VIEWER, None)


def test_nobody_knows_a_stranger(agreement: Agreement) -> None:
    roles = {"admins": Role.ADMIN}
    assert (
        person_of(agreement, email="a@b.example", name=None, groups=["x"], group_roles=roles)
        is None
    )

"""Who may do what: the roles of API tokens and what each is granted, declared once as data.

Viewers read; marketing and sales write their own records (leads handed over, touches,
feedback, meetings held, disputes opened); executives decide disputes (when the token's member
sits on the panel) and close and reopen months (when the token's member may close); everyone
signs the agreement, as the token's member only; admins publish agreements and manage tokens,
and may do what the others do. Every route names the permission
it needs; a test walks every route with every role.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Final

__all__ = ["GRANTS", "Permission", "Role", "roles_with"]


class Role(StrEnum):
    ADMIN = "admin"
    MARKETING = "marketing"
    SALES = "sales"
    EXECUTIVE = "executive"
    VIEWER = "viewer"


class Permission(StrEnum):
    READ = "read"  # every resource, as JSON
    HAND_OVER_LEADS = "hand_over_leads"  # marketing notifies sales of a lead
    RECORD_TOUCHES = "record_touches"  # sales records a first touch
    GIVE_FEEDBACK = "give_feedback"  # either team raises or answers feedback
    SIGN_AGREEMENT = "sign_agreement"  # a member signs, as themself only (the token's member)
    RECORD_MEETINGS = "record_meetings"  # a meeting of the agreement's rhythm was held
    OPEN_DISPUTES = "open_disputes"  # take a conflict to the panel, name a representative
    DECIDE_DISPUTES = "decide_disputes"
    PUBLISH_AGREEMENT = "publish_agreement"
    MANAGE_TOKENS = "manage_tokens"
    READ_AUDIT = "read_audit"  # the audit trail, webhook events, tokens, alert deliveries
    CLOSE_MONTHS = "close_months"  # close and reopen months, as the token's member only
    APPROVE_CORRECTIONS = "approve_corrections"  # let a late-entered touch count as claimed
    REASSIGN_LEADS = "reassign_leads"  # change the owner of a lead someone already owns


GRANTS: Final[Mapping[Role, frozenset[Permission]]] = {
    Role.VIEWER: frozenset({Permission.READ, Permission.SIGN_AGREEMENT}),
    Role.MARKETING: frozenset(
        {
            Permission.READ,
            Permission.HAND_OVER_LEADS,
            Permission.GIVE_FEEDBACK,
            Permission.SIGN_AGREEMENT,
            Permission.RECORD_MEETINGS,
            Permission.OPEN_DISPUTES,
        }
    ),
    Role.SALES: frozenset(
        {
            Permission.READ,
            Permission.RECORD_TOUCHES,
            Permission.GIVE_FEEDBACK,
            Permission.SIGN_AGREEMENT,
            Permission.RECORD_MEETINGS,
            Permission.OPEN_DISPUTES,
        }
    ),
    Role.EXECUTIVE: frozenset(
        {
            Permission.READ,
            Permission.DECIDE_DISPUTES,
            Permission.APPROVE_CORRECTIONS,
            Permission.SIGN_AGREEMENT,
            Permission.RECORD_MEETINGS,
            Permission.OPEN_DISPUTES,
            Permission.READ_AUDIT,
            Permission.CLOSE_MONTHS,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


def roles_with(permission: Permission) -> tuple[Role, ...]:
    """The roles granted ``permission``, in the order of :class:`Role`."""
    return tuple(role for role in Role if permission in GRANTS[role])

"""Every write of the referrals app: the partner directory, and referrals with their closed loop."""

from safetynet.referrals.services.directory import (
    add_contact,
    add_location,
    add_phone,
    add_schedule,
    add_service,
    create_organization,
    link_partner_unit,
    offer_at,
)
from safetynet.referrals.services.referrals import (
    LinkRefused,
    answer_by_link,
    create_referral,
    issue_link,
    move_referral,
    open_link,
    partner_users,
    record_past_referral,
    response_due,
)

__all__ = [
    "LinkRefused",
    "add_contact",
    "add_location",
    "add_phone",
    "add_schedule",
    "add_service",
    "answer_by_link",
    "create_organization",
    "create_referral",
    "issue_link",
    "link_partner_unit",
    "move_referral",
    "offer_at",
    "open_link",
    "partner_users",
    "record_past_referral",
    "response_due",
]

"""Who may do what in the console: each console action takes the roles of the ops API
operation that does the same thing, read from that operation's Endpoint record.

The Endpoint records (``roles=`` on each route in ``carrier_gateway/api``) stay the one
role table: a role the API refuses is refused here too, and changing a route's roles
changes the console with it. An action naming an operation that does not exist fails
when the console is built, not at the first click.
"""

from __future__ import annotations

import functools

from carrier_gateway.api import all_routers

#: console action -> the ops API operation (handler name) whose roles it takes
ACTIONS: dict[str, str] = {
    "dashboard": "whoami",
    "cards.read": "ops_get_card",
    "cards.explain": "ops_explain_card",
    "cards.history": "ops_card_history",
    "cards.transition": "ops_transition_card",
    "enterprises.read": "ops_list_enterprises",
    "enterprises.create": "ops_create_enterprise",
    "persons.read": "ops_list_persons",
    "persons.create": "ops_add_person",
    "keys.read": "ops_list_keys",
    "keys.create": "ops_create_key",
    "keys.rotate": "ops_rotate_key",
    "keys.revoke": "ops_revoke_key",
    "segments.read": "ops_list_segments",
    "pools.read": "ops_list_pools",
    "blocks.read": "ops_list_blocks",
    "blocks.allocate": "ops_allocate_block",
    "prefixes.read": "ops_list_prefixes",
    "prefixes.allocate": "ops_allocate_prefix",
    "orders.read": "ops_get_order",
    "orders.create": "ops_create_order",
    "orders.resume": "ops_resume_order",
    "registrations.read": "ops_get_registration",
    "registrations.unmasked": "ops_get_registration_unmasked",
    "jobs.read": "list_all_jobs",
    "webhooks.read": "webhook_status",
    "backfill.read": "backfill_summary",
    "audit.read": "list_audit",
    "audit.verify": "verify_audit",
    "report.read": "inspection_report",
}


@functools.cache
def _api_roles() -> dict[str, frozenset[str]]:
    return {ep.operation_id: ep.roles for router in all_routers() for ep in router.endpoints if ep.auth == "ops"}


def roles_for(action: str) -> frozenset[str]:
    """The roles that may take ``action`` (KeyError for an unknown action or operation)."""
    return _api_roles()[ACTIONS[action]]


def may(role: str, action: str) -> bool:
    return role in roles_for(action)


def check_table() -> None:
    """Every action names an ops API operation (called when the console is built)."""
    missing = sorted(f"{a} -> {op}" for a, op in ACTIONS.items() if op not in _api_roles())
    if missing:
        raise LookupError(f"console actions name unknown API operations: {', '.join(missing)}")

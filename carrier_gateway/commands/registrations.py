"""`carrier registrations show`: one registration, masked unless an auditor states a purpose.

Who may run these: anyone who can run the CLI against the database *and* read the
master key file can decrypt everything, so that access is the real boundary (keep the
key file 0600 and owned by the service account). Within it, an unmasked read needs an
auditor's ops token (--token or CARRIER_OPS_TOKEN) and a purpose, and is recorded in the
audit trail under that token (plus the operating-system user), exactly like an
unmasked read through the ops API.
"""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import CarrierGroup, CliFailure, emit, keyring, run

if TYPE_CHECKING:
    from carrier_gateway.db import Database

TOKEN_ENV = "CARRIER_OPS_TOKEN"


def token_option() -> Any:
    return click.option("--token", envvar=TOKEN_ENV, metavar="TOKEN",
                        help=f"An auditor's ops token (else ${TOKEN_ENV}); needed with --unmask.")


async def auditor_actor(db: Database, token: str | None) -> str:
    """The audit actor for an unmasked CLI read: the auditor token's id; anything else fails."""
    from carrier_gateway import ops_auth
    from provisioning.audit.trail import actor_of

    if not token:
        raise CliFailure(f"an unmasked read needs an auditor's ops token: --token or ${TOKEN_ENV}")
    async with db.read() as conn:
        found = await ops_auth.token_role(conn, token)
    if found is None:
        raise CliFailure("the ops token is unknown or revoked")
    if found[1] != "auditor":
        raise CliFailure(f"the {found[1]} role may not read unmasked personal data (auditor only)")
    return actor_of("ops", found[0])


def cli_via() -> str:
    return f"cli:{getpass.getuser()}"


@click.group("registrations", cls=CarrierGroup)
def registrations_group() -> None:
    """Registrations as the carrier recorded them (subjects masked by default)."""


@registrations_group.command("show")
@click.argument("registration_id")
@click.option("--unmask", is_flag=True, help="Show the subject in clear (auditor token and --purpose; audited).")
@click.option("--purpose", help="Why the unmasked data is needed (8-300 characters; recorded in the audit trail).")
@token_option()
def show(registration_id: str, unmask: bool, purpose: str | None, token: str | None) -> None:
    """Show one registration: status, reasons, card and the subject (masked)."""
    from provisioning.personal_data import disclosure

    if unmask:
        disclosure.check_purpose(purpose)
    elif purpose:
        raise CliFailure("--purpose goes with --unmask")
    ring = keyring()

    async def go(db: Database) -> dict[str, Any]:
        if not unmask:
            async with db.read() as conn:
                return await disclosure.registration(conn, ring, registration_id)
        who = await auditor_actor(db, token)
        async with db.write() as conn:
            return await disclosure.unmasked_registration(conn, ring, registration_id, actor=who,
                                                          purpose=purpose, via=cli_via())

    view = run(go)
    emit(view, lambda: render(view))


def render(view: dict[str, Any]) -> str:
    lines = [f"{k:13} {'-' if view.get(k) is None else view[k]}"
             for k in ("registration_id", "enterprise_id", "status", "stage", "iccid", "vin", "received_at",
                       "decided_at")]
    lines += [f"reason        {r['code']} ({r.get('field') or '-'}): {r['message']}" for r in view["reasons"]]
    lines += _subject(view["subject"], "subject")
    return "\n".join(lines)


def _subject(subject: dict[str, Any], prefix: str) -> list[str]:
    out = []
    for key, value in subject.items():
        if isinstance(value, dict):
            out += _subject(value, f"{prefix}.{key}")
        else:
            out.append(f"{prefix}.{key:10} {value}")
    return out


COMMANDS = [registrations_group]

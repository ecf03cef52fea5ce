"""`carrier audit ...`: verify the hash chain, export it for the regulator, list entries,
and the auditor's unmasked reads (see commands/registrations.py for who may run them)."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.audit_export import export_cmd
from carrier_gateway.commands.base import CarrierGroup, CliFailure, emit, keyring, run, state, table
from carrier_gateway.commands.registrations import auditor_actor, cli_via, token_option
from carrier_gateway.commands.registrations import render as render_registration
from carrier_gateway.commands.when import AS_OF

if TYPE_CHECKING:
    from carrier_gateway.db import Database
    from provisioning.audit.trail import VerifyResult
    from provisioning.paging import Page


@click.group("audit", cls=CarrierGroup)
def audit_group() -> None:
    """The tamper-evident audit trail: every state change, credential event and
    personal-data read, each entry holding the hash of the one before."""


@audit_group.command("verify")
@click.option("--file", "path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Check an export (JSON Lines or CSV) instead of the database; needs no database.")
@click.option("--filtered", is_flag=True, help="With --file: the export was filtered, so gaps in seq are expected.")
def verify_cmd(path: Path | None, filtered: bool) -> None:
    """Check the whole chain: exit 0 with the count checked, or exit 1 naming the first
    edited, deleted or reordered entry. An export must also end with its trailer line
    (a file cut short fails) and, unless --filtered, at the head the trailer names."""
    from provisioning.audit.offline import check_export
    from provisioning.audit.trail import verify

    async def go(db: Database) -> VerifyResult:
        async with db.read() as conn:
            return await verify(conn)

    if path is not None:
        with path.open(encoding="utf-8", newline="") as fh:
            result = check_export(fh, gaps=filtered)
    else:
        result = run(go)
    doc = {"ok": result.ok, "checked": result.checked, "first_bad_seq": result.first_bad_seq,
           "problem": result.problem}
    if not result.ok:
        if state().as_json:
            emit(doc)
        raise CliFailure(f"audit trail broken at entry {result.first_bad_seq}: {result.problem}")
    emit(doc, f"audit trail intact: {result.checked} entries checked")


@audit_group.command("list")
@click.option("--actor", help="Exact actor, e.g. ops:3 or cli:alice.")
@click.option("--action", help="Exact action, or a prefix ending in '.' (card.).")
@click.option("--object-type", help="e.g. registration, card, enterprise, master_key.")
@click.option("--object-id", help="The object's id.")
@click.option("--enterprise", "enterprise_id", type=int, help="Entries about this enterprise.")
@click.option("--after", type=int, default=0, show_default=True, help="Entries after this sequence number.")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
def list_cmd(actor: str | None, action: str | None, object_type: str | None, object_id: str | None,
             enterprise_id: int | None, after: int, limit: int) -> None:
    """List entries in order (details hold ids and codes, never personal data)."""
    from provisioning.audit import query

    filters = query.Filters(actor=actor, action=action, object_type=object_type, object_id=object_id,
                            enterprise_id=enterprise_id)

    async def go(db: Database) -> Page[dict[str, Any]]:
        async with db.read() as conn:
            return await query.page(conn, filters, cursor=after or None, limit=limit)

    page = run(go)
    items = page.items
    cursor = int(page.next_cursor) if page.next_cursor is not None else None  # --after takes it as a number
    emit({"items": items, "next_cursor": cursor},
         lambda: table(items, [("seq", "SEQ"), ("at", "AT"), ("actor", "ACTOR"), ("action", "ACTION"),
                               ("object_type", "OBJECT"), ("object_id", "ID"), ("enterprise_id", "ENT")])
         + (f"\nmore: --after {cursor}" if cursor else ""))


@audit_group.group("unmask")
def unmask_group() -> None:
    """Auditor reads of personal data in clear: an auditor token and a purpose, each read audited."""


@unmask_group.command("registration")
@click.argument("registration_id")
@click.option("--purpose", required=True, help="Why (8-300 characters; recorded in the audit trail).")
@token_option()
def unmask_registration(registration_id: str, purpose: str, token: str | None) -> None:
    """One registration with its subject in clear."""
    from provisioning.personal_data import disclosure

    disclosure.check_purpose(purpose)
    ring = keyring()

    async def go(db: Database) -> dict[str, Any]:
        who = await auditor_actor(db, token)
        async with db.write() as conn:
            return await disclosure.unmasked_registration(conn, ring, registration_id, actor=who, purpose=purpose,
                                                          via=cli_via())

    view = run(go)
    emit(view, lambda: render_registration(view))


@unmask_group.command("persons")
@click.argument("enterprise_id", type=int)
@click.option("--purpose", required=True, help="Why (8-300 characters; recorded in the audit trail).")
@click.option("--on", "on", type=AS_OF, help="Who was serving then (YYYY-MM-DD: end of that day, China "
                                             "time)  [default: now]")
@click.option("--history", is_flag=True, help="Every term ever recorded.")
@token_option()
def unmask_persons(enterprise_id: int, purpose: str, on: dt.datetime | None, history: bool,
                   token: str | None) -> None:
    """An enterprise's responsible persons in clear."""
    from provisioning.personal_data import disclosure

    disclosure.check_purpose(purpose)
    ring = keyring()

    async def go(db: Database) -> list[dict[str, Any]]:
        who = await auditor_actor(db, token)
        async with db.write() as conn:
            return await disclosure.unmasked_persons(conn, ring, enterprise_id, actor=who, purpose=purpose, on=on,
                                                     history=history, via=cli_via())

    rows = run(go)
    emit({"items": rows}, lambda: table(rows, [("id", "ID"), ("role", "ROLE"), ("name", "NAME"),
                                               ("id_type", "ID TYPE"), ("id_number", "ID NUMBER"),
                                               ("phone", "PHONE"), ("email", "EMAIL"), ("term_start", "FROM"),
                                               ("term_end", "UNTIL")]))


audit_group.add_command(export_cmd)
COMMANDS = [audit_group]

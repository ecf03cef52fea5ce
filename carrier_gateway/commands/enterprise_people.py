"""`carrier enterprise person ...` and `carrier enterprise roster`: responsible persons."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import emit, keyring, run, state, table
from carrier_gateway.commands.enterprises import cli_actor, enterprise_group
from carrier_gateway.commands.when import AS_OF
from provisioning.enterprises.people import ID_TYPES, ROLES

if TYPE_CHECKING:
    from carrier_gateway.db import Database

_COLUMNS = [("id", "ID"), ("role", "ROLE"), ("name", "NAME"), ("id_type", "ID TYPE"), ("id_number", "ID NUMBER"),
            ("phone", "PHONE"), ("email", "EMAIL"), ("term_start", "FROM"), ("term_end", "UNTIL")]


@enterprise_group.group("person")
def person_group() -> None:
    """Responsible persons per role (PURCHASE, REAL_NAME), with their terms.

    Naming a new person for a role ends the previous one's term; the history is kept,
    so the roster as it stood on any date can be listed. Output is masked.
    """


@person_group.command("add")
@click.argument("enterprise_id", type=int)
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the person is responsible for.")
@click.option("--name", required=True, help="Full name as on the ID document.")
@click.option("--id-type", type=click.Choice(ID_TYPES), required=True, help="Type of ID document.")
@click.option("--id-number", required=True, help="ID document number (stored encrypted).")
@click.option("--phone", required=True, help="Contact phone number.")
@click.option("--email", help="Contact email address.")
def person_add(enterprise_id: int, role: str, name: str, id_type: str, id_number: str, phone: str,
               email: str | None) -> None:
    """Name the responsible person for ROLE; the previous person's term ends now."""
    from provisioning.enterprises import persons

    ring = keyring()

    async def go(db: Database) -> dict[str, Any]:
        async with db.write() as conn:
            person = await persons.add_person(conn, ring, enterprise_id, role=role, name=name, id_type=id_type,
                                              id_number=id_number, phone=phone, email=email, actor=cli_actor())
        return person.to_dict()

    person = run(go)
    emit(person, f"person {person['id']} ({person['name']}) is now {role} responsible for enterprise {enterprise_id}")


@person_group.command("list")
@click.argument("enterprise_id", type=int)
@click.option("--on", "on", type=AS_OF, help="Who was serving then (YYYY-MM-DD: end of that day, China time).")
@click.option("--history", is_flag=True, help="Every term ever recorded, ended ones included.")
def person_list(enterprise_id: int, on: dt.datetime | None, history: bool) -> None:
    """List the persons serving now (or on a date, or all terms); masked."""
    from provisioning.enterprises import persons

    ring = keyring()

    async def go(db: Database) -> list[dict[str, Any]]:
        async with db.read() as conn:
            found = await persons.list_persons(conn, ring, enterprise_id, on=on, history=history)
        return [p.to_dict() for p in found]

    rows = run(go)
    emit({"items": rows}, lambda: table(rows, _COLUMNS))


@enterprise_group.command("roster")
@click.option("--on", "on", type=AS_OF,
              help="The roster as it stood then (YYYY-MM-DD: end of that day, China time)  [default: now]")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "table"]), default="table", show_default=True,
              help="csv or json for the regulator; table to read.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the export to this file.")
def roster(on: dt.datetime | None, fmt: str, output: Path | None) -> None:
    """Every enterprise's responsible persons (masked), for the regulator (clause 10).

    An enterprise with nobody serving in a role shows with empty person columns.
    Example: carrier enterprise roster --on 2026-06-30 --format csv --output roster.csv
    """
    from carrier_gateway.jsonio import dumps
    from numbering.dbtypes import utcnow
    from provisioning.enterprises import persons
    from provisioning.enterprises.roster_table import roster_csv

    ring = keyring()
    at = on or utcnow()

    async def go(db: Database) -> list[dict[str, Any]]:
        async with db.read() as conn:
            return [e.to_dict() for e in await persons.roster(conn, ring, on=at)]

    rows = run(go)
    doc = {"on": at, "items": rows}
    if output is None and (fmt != "csv" or state().as_json):
        emit(doc, (lambda: table(rows, [("enterprise_id", "ID"), ("enterprise_name", "ENTERPRISE"),
                                        ("role", "ROLE"), ("name", "NAME"), ("phone", "PHONE"),
                                        ("term_start", "SINCE")])) if fmt == "table" else None)
        return
    text = roster_csv(rows) if fmt == "csv" else dumps(doc, indent=True).decode() + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    emit({"path": str(output), "rows": len(rows), "on": at, "format": fmt}, f"{len(rows)} rows written to {output}")

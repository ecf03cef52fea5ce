"""`carrier init`, `carrier serve`, `carrier token ...`."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import asyncio
import logging
import os
from typing import TYPE_CHECKING

import click

from carrier_gateway.commands.base import CarrierGroup, command, emit, ensure_schema, run, state, table
from carrier_gateway.commands.enterprises import cli_actor
from carrier_gateway.filemodes import exposure_warning
from carrier_gateway.ops_roles import ROLES
from numbering.identifiers.carriers import PROFILES

if TYPE_CHECKING:
    from carrier_gateway import ops_auth
    from carrier_gateway.db import Database

log = logging.getLogger("carrier.serve")


@command("init")
@click.option("--sandbox", is_flag=True,
              help="Also create a local master key and demo data (one OEM with credentials).")
@click.option("--carrier", type=click.Choice(list(PROFILES)), default=None,
              help="The carrier this deployment is: its MNCs, ICCID issuer codes and IoT number prefixes. "
                   "Fixed once the database holds numbers.  [default: china-mobile, or the one recorded]")
def init_cmd(sandbox: bool, carrier: str | None) -> None:
    """Create the database schema, or upgrade it to this release's; keeps all data.

    \b
    Example:
      carrier init --carrier china-unicom
    """
    from carrier_gateway.db import describe
    from carrier_gateway.migrate import upgrade
    from carrier_gateway.sandbox import seed as sandbox_seed
    from numbering.identifiers import profile
    from provisioning.privacy.keyring import load_keyring, new_keyring, write_keyring

    async def go(db: Database) -> dict[str, object]:
        warning = _exposed(db, state().settings().master_key_path)
        if warning:
            click.echo(f"warning: {warning}", err=True)
        before, after = await upgrade(db)
        async with db.write() as conn:
            prof = await (profile.set_profile(conn, carrier) if carrier else profile.lock(conn))
        return {"database": describe(db.url), "revision_before": before, "revision": after,
                "action": "created" if before is None else ("upgraded" if before != after else "current"),
                "carrier": prof.key}

    result = run(go, require_schema=False, sandbox=sandbox or None)
    if sandbox:
        key_path = state().settings().master_key_path
        if not os.path.exists(key_path) and not os.environ.get("CARRIER_MASTER_KEY"):
            write_keyring(new_keyring(), key_path)
            result["master_key_created"] = key_path
        ring = load_keyring(key_path)
        result.update(run(lambda db: sandbox_seed(db, ring)))
    emit(result, lambda: _init_text(result))


def _exposed(db: Database, key_path: str) -> str | None:
    """A warning when the database or key file is open to other local users (a new
    database is created owner-only; an existing file keeps the mode it was given)."""
    return exposure_warning([*db.files, key_path])


def _init_text(result: dict[str, object]) -> str:
    from carrier_gateway import sandbox

    text = (f"{result['action']}: {result['database']} at schema revision {result['revision']} "
            f"(carrier {result['carrier']})")
    if "key_id" in result:
        text += (f"\nsandbox OEM {result['enterprise_id']} with {sandbox.DEMO_CARDS} TBOX cards"
                 f"\n  key_id     {result['key_id']}\n  secret     {result['secret']}"
                 f"\n  ops_token  {result['ops_token']}"
                 "\n(secrets are shown once) next: carrier serve --sandbox")
    return text


@command("serve")
@click.option("--host", default=None, help="Address to listen on  [default: 127.0.0.1 or $CARRIER_HOST]")
@click.option("--port", type=int, default=None, help="Port to listen on  [default: 8080 or $CARRIER_PORT]")
@click.option("--sandbox", is_flag=True, help="Sandbox mode: the simulated identity authority answers checks.")
@click.option("--radius-auth-port", type=click.IntRange(0, 65535), default=None,
              help="Also answer RADIUS Access-Requests on this UDP port  [default: off or $CARRIER_RADIUS_AUTH_PORT]")
@click.option("--radius-acct-port", type=click.IntRange(0, 65535), default=None,
              help="Also take RADIUS accounting on this UDP port  [default: off or $CARRIER_RADIUS_ACCT_PORT]")
def serve_cmd(host: str | None, port: int | None, sandbox: bool, radius_auth_port: int | None,
              radius_acct_port: int | None) -> None:
    """Run the HTTP service (OEM API, ops API, workers) until SIGINT or SIGTERM; with
    --radius-auth-port/--radius-acct-port also the RADIUS server for packet gateways.

    On a signal it stops accepting connections, lets in-flight requests and background
    work finish (up to CARRIER_SHUTDOWN_TIMEOUT seconds), then exits 0.
    """
    from carrier_gateway import serving
    from carrier_gateway.app import create_app
    from carrier_gateway.db import Database, describe
    from carrier_gateway.logs import configure_logging
    from provisioning.privacy.keyring import load_keyring

    settings = state().settings(host=host, port=port, sandbox=sandbox or None, radius_auth_port=radius_auth_port,
                                radius_acct_port=radius_acct_port)
    configure_logging(settings.log_level)

    async def check() -> None:
        db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        try:
            warning = _exposed(db, settings.master_key_path)
            if warning:
                log.warning(warning)
            await db.ping()
            await ensure_schema(db)
        finally:
            await db.dispose()

    asyncio.run(check())
    load_keyring(settings.master_key_path)  # fail now, in one line, not inside the server
    app = create_app(settings)
    log.info("starting", extra={"database": describe(settings.database_url), "sandbox": settings.sandbox})
    serving.run(serving.serve(app, settings.host, settings.port, settings.shutdown_timeout), settings.event_loop)
    log.info("stopped")


@click.group("token", cls=CarrierGroup)
def token_group() -> None:
    """Ops API bearer tokens (roles: ops, auditor, regulator)."""


@token_group.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True,
              help="ops: resources and cards; auditor: audit trail and unmasked reads; regulator: reports.")
@click.option("--label", default="", help="Who or what the token is for.")
def token_create(role: str, label: str) -> None:
    """Create a token; it is printed once and stored only as a hash."""
    from carrier_gateway import ops_auth

    async def go(db: Database) -> ops_auth.IssuedToken:
        async with db.write() as conn:
            return await ops_auth.create_token(conn, role, label, actor=cli_actor())

    issued = run(go)
    emit({"token": issued.token, "id": issued.id, "role": issued.role},
         f"{issued.token}\n(role {issued.role}, id {issued.id}; shown once: store it now)")


@token_group.command("list")
def token_list() -> None:
    """List tokens (never their values)."""
    from carrier_gateway import ops_auth

    async def go(db: Database) -> list[dict[str, object]]:
        async with db.read() as conn:
            return await ops_auth.list_tokens(conn)

    rows = run(go)
    emit({"items": rows}, lambda: table(rows, [("id", "ID"), ("role", "ROLE"), ("label", "LABEL"),
                                               ("created_at", "CREATED"), ("revoked_at", "REVOKED")]))


@token_group.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke a token by id; it stops working within 5 seconds."""
    from carrier_gateway import ops_auth

    async def go(db: Database) -> None:
        async with db.write() as conn:
            await ops_auth.revoke_token(conn, token_id, actor=cli_actor())

    run(go)
    emit({"id": token_id, "revoked": True}, f"token {token_id} revoked")
COMMANDS = [init_cmd, serve_cmd, token_group]

"""`carrier backfill flag|unflag|list|summary`: back-registration (补登记) tracking."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import datetime as dt
import sys
from typing import IO, TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import CarrierGroup, emit, run, state, table
from carrier_gateway.commands.enterprises import cli_actor

if TYPE_CHECKING:
    from carrier_gateway.db import Database
    from provisioning.backfill import flags

_CHUNK = 5000


@click.group("backfill", cls=CarrierGroup)
def backfill_group() -> None:
    """Back-registration: cards in vehicles sold before the notice must be registered
    late by a deadline (CARRIER_BACKFILL_DEADLINE, default 2022-09-30). Flag them, then
    follow them until each has a verified registration."""


def _deadline() -> dt.date:
    return state().settings().policy().backfill_deadline


def _read(iccids: tuple[str, ...], file: IO[str] | None) -> list[str]:
    from provisioning.backfill import flags

    given = list(iccids)
    if file is not None:  # one ICCID per line; blank lines and # comments are skipped
        given += [line.split("#", 1)[0] for line in file]
    return flags.normalize(given)


@backfill_group.command("flag")
@click.option("--enterprise", "enterprise_id", type=int, required=True, help="The enterprise owning the cards.")
@click.option("--file", type=click.File("r", encoding="utf-8"), help="A file of ICCIDs, one a line ('-': stdin).")
@click.argument("iccids", nargs=-1)
def backfill_flag(enterprise_id: int, file: IO[str] | None, iccids: tuple[str, ...]) -> None:
    """Flag cards that need back-registration: all of them, or none if one is not the
    enterprise's card. Flagging a card again is harmless."""
    from provisioning.backfill import flags

    wanted = _read(iccids, file)

    async def go(db: Database) -> flags.Flagged:
        done = flags.Flagged(0, 0)
        async with db.write() as conn:  # one transaction: all or nothing
            with click.progressbar(length=len(wanted), label="flagging", file=sys.stderr, show_pos=True,
                                   hidden=len(wanted) <= _CHUNK) as bar:
                for start in range(0, len(wanted), _CHUNK):
                    part = wanted[start:start + _CHUNK]
                    got = await flags.flag_cards(conn, enterprise_id, part, actor=cli_actor())
                    done = flags.Flagged(done.flagged + got.flagged, done.already + got.already)
                    bar.update(len(part))
        return done

    result = run(go)
    emit({"enterprise_id": enterprise_id, "flagged": result.flagged, "already": result.already},
         f"{result.flagged} card(s) flagged for back-registration, {result.already} already flagged")


@backfill_group.command("unflag")
@click.option("--enterprise", "enterprise_id", type=int, required=True, help="The enterprise owning the cards.")
@click.option("--file", type=click.File("r", encoding="utf-8"), help="A file of ICCIDs, one a line ('-': stdin).")
@click.argument("iccids", nargs=-1)
def backfill_unflag(enterprise_id: int, file: IO[str] | None, iccids: tuple[str, ...]) -> None:
    """Remove flags set by mistake."""
    from provisioning.backfill import flags

    wanted = _read(iccids, file)

    async def go(db: Database) -> int:
        async with db.write() as conn:
            return await flags.unflag_cards(conn, enterprise_id, wanted, actor=cli_actor())

    removed = run(go)
    emit({"enterprise_id": enterprise_id, "unflagged": removed}, f"{removed} flag(s) removed")


@backfill_group.command("list")
@click.option("--enterprise", "enterprise_id", type=int, help="Only this enterprise.")
@click.option("--overdue", is_flag=True, help="Only cards still not registered after the deadline.")
@click.option("--limit", type=click.IntRange(1), default=1000, show_default=True, help="At most this many cards.")
def backfill_list(enterprise_id: int | None, overdue: bool, limit: int) -> None:
    """Flagged cards: DONE (verified), PENDING, REJECTED, OUTSTANDING or TERMINATED, and overdue or not."""
    from provisioning.backfill import status

    deadline = _deadline()

    async def go(db: Database) -> tuple[list[dict[str, Any]], str | None]:
        items: list[dict[str, Any]] = []
        cursor = None
        async with db.read() as conn:
            while len(items) < limit:
                page = await status.list_flagged(conn, deadline=deadline, enterprise_id=enterprise_id,
                                                 overdue_only=overdue, cursor=cursor,
                                                 limit=min(status.MAX_PAGE, limit - len(items)))
                items += page.items
                cursor = page.next_cursor
                if cursor is None:
                    break
        return items, cursor

    rows, more = run(go)
    columns = [("iccid", "ICCID"), ("enterprise_id", "ENTERPRISE"), ("status", "STATUS"), ("overdue", "OVERDUE"),
               ("card_state", "CARD"), ("flagged_at", "FLAGGED"), ("verified_at", "VERIFIED")]
    emit({"deadline": deadline, "items": rows, "truncated": more is not None},
         lambda: f"deadline {deadline.isoformat()}\n" + table(rows, columns)
         + (f"\n(first {limit} shown: raise --limit for more)" if more else ""))


@backfill_group.command("summary")
@click.option("--enterprise", "enterprise_id", type=int, help="Only this enterprise.")
def backfill_summary(enterprise_id: int | None) -> None:
    """Per enterprise: flagged, done (and done late), outstanding, overdue, terminated."""
    from provisioning.backfill import status

    deadline = _deadline()

    async def go(db: Database) -> list[dict[str, int]]:
        async with db.read() as conn:
            found = await status.summary(conn, deadline=deadline, enterprise_id=enterprise_id)
        return [s.to_dict() for s in found]

    rows = run(go)
    emit({"deadline": deadline, "items": rows},
         lambda: f"deadline {deadline.isoformat()}\n" + table(rows, [
             ("enterprise_id", "ENTERPRISE"), ("flagged", "FLAGGED"), ("done", "DONE"), ("done_late", "LATE"),
             ("outstanding", "OUTSTANDING"), ("overdue", "OVERDUE"), ("terminated", "TERMINATED")]))


COMMANDS = [backfill_group]

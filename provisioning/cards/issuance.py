"""Bulk issuance: a purchase order of N cards, written one chunk per transaction.

``create_order`` validates, reserves the whole order's ICCID and IMSI serial ranges
(so the order's first and last ICCID are known and a resumed order continues the
same ranges) and records the order. ``issue_next_chunk`` issues the next chunk in the
caller's transaction: MSISDNs from the enterprise's block, optional static IPs, one
Core ``executemany`` insert, the order's progress and one audit event. A chunk commits
whole or not at all, so an interrupted order has no half-issued card and is resumed
from ``issued``. Memory is bounded by the chunk size.

Two ways run the chunks, through the same :func:`issue_chunk`: ``run_order`` in the
foreground (the CLI, with its progress bar) and :class:`provisioning.cards.runner.OrderRunner`
in the background of every ``carrier serve`` process (orders placed through the API).
Both may work on one order at once: each chunk locks the order row, so they take turns.
When numbers or addresses run out the order is STOPPED with the reason, to be resumed.

Chunks are at least ``MIN_CHUNK`` cards: every chunk is a transaction with a commit
and an audit event, so a chunk of two cards made a 10,000-card order thousands of
commits long; a hundred cards is still a short hold of the write lock.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from itertools import repeat
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from numbering.errors import Exhausted
from numbering.identifiers import iccid, profile, serials
from numbering.identifiers.bulk import iccids, imsis
from numbering.ip import pools
from numbering.msisdn import segments
from numbering.sqlutil import UnitOfWork
from provisioning.audit.trail import Event, record
from provisioning.cards.errors import OrderComplete, OrderInvalid
from provisioning.cards.limits import DEFAULT_CHUNK, MAX_CHUNK, MAX_ORDER, MIN_CHUNK
from provisioning.cards.orders import Order, get_order, reopen_order, stop_order
from provisioning.cards.states import USAGES
from provisioning.cards.tables import card_orders, cards
from provisioning.enterprises.registry import get_enterprise

Progress = Callable[[Order], Any]
#: picks (and locks) the order whose next chunk to issue, or None
Pick = Callable[[AsyncConnection], Awaitable[Order | None]]


async def create_order(conn: AsyncConnection, enterprise_id: int, count: int, usage: str, *, actor: str,
                       static_ip: bool = False, chunk_size: int = DEFAULT_CHUNK,
                       today: dt.date | None = None) -> Order:
    if not 1 <= count <= MAX_ORDER:
        raise OrderInvalid(f"count must be 1 to {MAX_ORDER:,}", field="count")
    if usage not in USAGES:
        raise OrderInvalid(f"usage must be one of {', '.join(USAGES)}", field="usage")
    if not MIN_CHUNK <= chunk_size <= MAX_CHUNK:
        raise OrderInvalid(f"chunk size must be {MIN_CHUNK:,} to {MAX_CHUNK:,}", field="chunk_size")
    ent = await get_enterprise(conn, enterprise_id)
    ent.check_may_buy(today or utcnow().date())
    prof = await profile.get_profile(conn)
    iccid0 = await serials.reserve(conn, "iccid", count)
    imsi0 = await serials.reserve(conn, "imsi", count)
    first, last = iccid.from_serial(prof, iccid0), iccid.from_serial(prof, iccid0 + count - 1)
    order_id = (await conn.execute(insert(card_orders).values(
        enterprise_id=enterprise_id, usage=usage, static_ip=static_ip, count=count, chunk_size=chunk_size,
        iccid_serial=iccid0, imsi_serial=imsi0, first_iccid=first, last_iccid=last, created_by=actor,
    ).returning(card_orders.c.id))).scalar_one()
    await record(conn, Event(actor, "order.created", "order", order_id, enterprise_id,
                             {"count": count, "usage": usage, "static_ip": static_ip,
                              "first_iccid": first, "last_iccid": last}))
    return await get_order(conn, order_id)


def _expand(runs: list[tuple[int, int]]) -> list[str]:
    return [str(n) for first, last in runs for n in range(first, last + 1)]


_COLUMNS = ("iccid", "imsi", "msisdn", "static_ip", "enterprise_id", "order_id", "usage")


@functools.lru_cache(maxsize=4)
def _insert_sql(dialect: Dialect) -> str:
    """The Core insert compiled once per dialect; rows then go to the driver's
    executemany as plain tuples (no per-row parameter processing: all strings and ints,
    every other column has a server default)."""
    compiled = insert(cards).compile(dialect=dialect, column_keys=list(_COLUMNS))
    if compiled.positiontup is not None and tuple(compiled.positiontup) != _COLUMNS:
        raise AssertionError(f"unexpected parameter order {compiled.positiontup}")
    return compiled.string


async def issue_next_chunk(conn: AsyncConnection, order_id: int, *, actor: str) -> Order:
    """Issue the order's next chunk in this transaction; returns the updated order."""
    order = await get_order(conn, order_id, for_update=True)
    if order.complete:
        raise OrderComplete(f"order {order_id} is complete ({order.issued:,} cards)", params={"order": order_id})
    return await _issue(conn, order, actor=actor)


async def _issue(conn: AsyncConnection, order: Order, *, actor: str) -> Order:
    """The next chunk of ``order`` (locked by the caller, not complete)."""
    order_id, start = order.id, order.issued
    n = min(order.chunk_size, order.count - start)
    try:
        msisdns = _expand(await segments.assign_msisdns(conn, order.enterprise_id, n))
        addresses: list[str | None] = (await pools.assign_addresses(conn, order.enterprise_id, n)
                                       if order.static_ip else [None] * n)
    except Exhausted as exc:
        raise Exhausted(f"order {order_id} stopped after {start:,} of {order.count:,} cards: {exc.detail}; "
                        f"add resources, then resume order {order_id}") from None
    prof = await profile.get_profile(conn)
    new_iccids = iccids(prof, order.iccid_serial + start, n)
    eid, oid = order.enterprise_id, order.id
    rows = list(zip(new_iccids, imsis(prof, order.imsi_serial + start, n), msisdns, addresses,
                    repeat(eid, n), repeat(oid, n), repeat(order.usage, n), strict=True))
    await conn.exec_driver_sql(_insert_sql(conn.dialect), rows)
    del rows
    done = start + n >= order.count
    now = utcnow()
    await conn.execute(update(card_orders).where(card_orders.c.id == order_id).values(
        issued=start + n, status="COMPLETE" if done else "OPEN", completed_at=now if done else None))
    await record(conn, Event(actor, "cards.issued", "order", order_id, eid,
                             {"count": n, "first_iccid": new_iccids[0], "last_iccid": new_iccids[-1],
                              "issued": start + n, "of": order.count}), at=now)
    return await get_order(conn, order_id)


async def issue_chunk(transaction: UnitOfWork, pick: Pick, *, actor: str) -> Order | None:
    """One chunk of the order ``pick`` locks, in its own write transaction; None when it
    picks none. An order that runs out of numbers or addresses is STOPPED, with the
    reason, in a second transaction (the failed chunk left nothing behind)."""
    picked: Order | None = None
    try:
        async with transaction() as conn:
            picked = await pick(conn)
            return None if picked is None else await _issue(conn, picked, actor=actor)
    except Exhausted as exc:
        assert picked is not None
        async with transaction() as conn:
            return await stop_order(conn, picked.id, exc.detail, actor=actor)


async def run_order(transaction: UnitOfWork, order_id: int, *, actor: str,
                    progress: Progress | None = None) -> Order:
    """Resume the order if STOPPED, then issue chunks, each in its own write transaction,
    until it is complete. Exhausted (and the order STOPPED) when resources run out."""
    async with transaction() as conn:
        order = await reopen_order(conn, order_id, actor=actor)
    return await _run(transaction, order, actor=actor, progress=progress)


async def _run(transaction: UnitOfWork, order: Order, *, actor: str, progress: Progress | None) -> Order:
    """Issue ``order``'s chunks until it is complete; a background runner may issue some of
    them meanwhile (each chunk locks the order), and may even finish it first."""
    order_id = order.id

    async def this_order(conn: AsyncConnection) -> Order | None:
        current = await get_order(conn, order_id, for_update=True)
        return current if current.status == "OPEN" else None  # a background runner may have finished it

    while order.status == "OPEN":
        issued = await issue_chunk(transaction, this_order, actor=actor)
        if issued is None:
            async with transaction() as conn:
                order = await get_order(conn, order_id)
            break
        order = issued
        if progress is not None:
            progress(order)
    if order.status == "STOPPED":
        raise Exhausted(order.stopped_reason or f"order {order_id} stopped")
    return order


async def issue_cards(transaction: UnitOfWork, enterprise_id: int, count: int, usage: str, *, actor: str,
                      static_ip: bool = False, chunk_size: int = DEFAULT_CHUNK,
                      progress: Progress | None = None) -> Order:
    """Create an order and issue it to the end (see ``run_order`` to resume one)."""
    async with transaction() as conn:
        order = await create_order(conn, enterprise_id, count, usage, actor=actor, static_ip=static_ip,
                                   chunk_size=chunk_size)
    if progress is not None:
        progress(order)
    return await _run(transaction, order, actor=actor, progress=progress)

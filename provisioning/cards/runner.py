"""Background issuance: OPEN orders are issued a chunk at a time by any process.

Nothing is leased: a chunk is claimed, issued and recorded in one write transaction,
so a process that dies mid-chunk leaves the order as its last commit left it, OPEN,
for the next step of any process to continue (no card issued twice: the order's
``issued`` moves in the same commit as the cards). Orders take turns, one chunk each,
so an order placed behind a million-card order starts at once.
"""

from __future__ import annotations

import asyncio
import os
import socket

from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.sqlutil import UnitOfWork
from provisioning.cards.issuance import issue_chunk
from provisioning.cards.orders import Order, claim_open


class OrderRunner:
    def __init__(self, write: UnitOfWork, *, actor: str | None = None) -> None:
        self.write = write
        self.actor = actor or f"issuer:{socket.gethostname()}:{os.getpid()}"
        self._last = 0  # the order that had the previous chunk: the next chunk goes to the one after it

    async def step(self) -> int:
        """Issue one chunk of the next open order; 1 when a chunk was issued (or the
        order STOPPED for want of resources), 0 when no order is open."""

        async def next_order(conn: AsyncConnection) -> Order | None:
            return await claim_open(conn, after=self._last)

        order = await issue_chunk(self.write, next_order, actor=self.actor)
        self._last = 0 if order is None else order.id
        # a request waiting for the (SQLite: single) write connection gets it before our next chunk
        await asyncio.sleep(0)
        return 0 if order is None else 1

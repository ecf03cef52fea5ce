"""Runs of free values in one table, per owner row: find, take and give back with merging.

Every run table has ``id``, an owner column, ``first`` and ``last`` (inclusive), and
either a ``size`` column (BIGINT values) or hex keys (addresses, see numbering.ipspace).
Runs of one owner never overlap or touch: :meth:`RunTable.give` merges neighbours.
Callers hold the owner's lock; updates are guarded on the row's old bounds as a
second line of defence.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import Row, Table, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.intervals import Run, remainder
from numbering.ipspace import from_key, to_key
from numbering.sqlutil import ConcurrentChange, backstop


@dataclasses.dataclass(frozen=True)
class FreeRun:
    id: int
    owner: int
    first: int
    last: int

    @property
    def size(self) -> int:
        return self.last - self.first + 1


@dataclasses.dataclass(frozen=True)
class RunTable:
    table: Table
    owner: str
    keyed: bool = False

    def enc(self, value: int) -> Any:
        return to_key(value) if self.keyed else value

    def dec(self, value: Any) -> int:
        return from_key(value) if self.keyed else int(value)

    def run(self, row: Row[Any]) -> FreeRun:
        m = row._mapping
        return FreeRun(m["id"], m[self.owner], self.dec(m["first"]), self.dec(m["last"]))

    def _values(self, first: int, last: int) -> dict[str, Any]:
        values = {"first": self.enc(first), "last": self.enc(last)}
        if not self.keyed:
            values["size"] = last - first + 1
        return values

    async def at_or_before(self, conn: AsyncConnection, owner: int, value: int) -> FreeRun | None:
        """The run of ``owner`` with the greatest first <= value (it may end before value)."""
        t = self.table
        row = (await conn.execute(
            select(t).where(t.c[self.owner] == owner, t.c.first <= self.enc(value))
            .order_by(t.c.first.desc()).limit(1)
        )).first()
        return self.run(row) if row else None

    async def overlapping(self, conn: AsyncConnection, owner: int, first: int, last: int) -> FreeRun | None:
        """A run of ``owner`` sharing a value with [first, last], if any (runs are disjoint,
        so the candidate is the one with the greatest first <= last)."""
        run = await self.at_or_before(conn, owner, last)
        return run if run is not None and run.last >= first else None

    async def take(self, conn: AsyncConnection, run: FreeRun, taken: Run) -> None:
        """Remove ``taken`` (inside ``run``) from the table."""
        t = self.table
        rest = remainder((run.first, run.last), taken)
        guard = (t.c.id == run.id, t.c.first == self.enc(run.first), t.c.last == self.enc(run.last))
        if not rest:
            result = await conn.execute(delete(t).where(*guard))
        else:
            result = await conn.execute(update(t).where(*guard).values(**self._values(*rest[0])))
        if result.rowcount != 1:
            raise ConcurrentChange(f"free run {run.first}-{run.last} changed under us; retry")
        if len(rest) == 2:
            await self.insert(conn, run.owner, *rest[1], extra=await self._extra(conn, run.id))

    async def _extra(self, conn: AsyncConnection, run_id: int) -> dict[str, Any]:
        t = self.table
        names = [c.name for c in t.columns if c.name not in {"id", self.owner, "first", "last", "size"}]
        if not names:
            return {}
        row = (await conn.execute(select(*(t.c[n] for n in names)).where(t.c.id == run_id))).one()
        return dict(row._mapping)

    async def insert(self, conn: AsyncConnection, owner: int, first: int, last: int,
                     extra: dict[str, Any] | None = None) -> None:
        with backstop(f"free run {first}-{last}"):
            await conn.execute(insert(self.table).values(**{self.owner: owner}, **(extra or {}),
                                                         **self._values(first, last)))

    async def give(self, conn: AsyncConnection, owner: int, first: int, last: int,
                   extra: dict[str, Any] | None = None) -> None:
        """Add [first, last] as free, merged with the runs just before and after it."""
        t = self.table
        left = (await conn.execute(
            select(t.c.id, t.c.first).where(t.c[self.owner] == owner, t.c.last == self.enc(first - 1))
        )).first()
        right = (await conn.execute(
            select(t.c.id, t.c.last).where(t.c[self.owner] == owner, t.c.first == self.enc(last + 1))
        )).first()
        if right is not None:
            await conn.execute(delete(t).where(t.c.id == right.id))
            last = self.dec(right.last)
        if left is not None:
            first = self.dec(left.first)
            await conn.execute(update(t).where(t.c.id == left.id).values(**self._values(first, last)))
        else:
            await self.insert(conn, owner, first, last, extra)

    async def total(self, conn: AsyncConnection, owner: int) -> int:
        """How many values are free for ``owner`` (sums in Python for hex keys)."""
        t = self.table
        rows = await conn.execute(select(t.c.first, t.c.last).where(t.c[self.owner] == owner))
        return sum(self.dec(r.last) - self.dec(r.first) + 1 for r in rows)

"""Re-encrypt every sealed column under the newest key, in chunks, while writers run.

Each chunk is its own write transaction: it reads up to ``chunk`` rows whose value is
not yet under the active key (keyset-paginated by primary key), opens each with the
key it names and seals it again under the active key. The update is a compare-and-set
on the old value, so a value a writer changed meanwhile is never overwritten; if that
writer still sealed under an old key, the next pass picks it up. Re-running continues
where an interrupted run stopped, because values already under the newest key are
skipped. A run ends after a pass that finds nothing left to re-encrypt.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, not_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.sqlutil import UnitOfWork
from provisioning.personal_data.registry import COLUMNS, SealedColumn
from provisioning.privacy.keyring import Keyring

NOT_SEALED = "(not sealed)"


def _like_prefix(key_id: str) -> str:
    escaped = key_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "$%"


def is_sealed(col: SealedColumn) -> ColumnElement[bool]:
    return and_(col.sealed.is_not(None), col.sealed.like("%$%"))


def under_key(col: SealedColumn, key_id: str) -> ColumnElement[bool]:
    return col.sealed.like(_like_prefix(key_id), escape="\\")


def needs_rotation(col: SealedColumn, active_id: str) -> ColumnElement[bool]:
    return and_(is_sealed(col), not_(under_key(col, active_id)))


def _key_expr(conn: AsyncConnection, col: SealedColumn) -> ColumnElement[str]:
    if conn.dialect.name == "postgresql":
        return func.split_part(col.sealed, "$", 1)
    return func.substr(col.sealed, 1, func.instr(col.sealed, "$") - 1)


async def count_by_key(conn: AsyncConnection, col: SealedColumn) -> dict[str, int]:
    """How many values of ``col`` each key id sealed (and how many are not sealed)."""
    key = _key_expr(conn, col).label("key_id")
    rows = await conn.execute(select(key, func.count()).where(is_sealed(col)).group_by(key))
    out = {row[0]: row[1] for row in rows}
    unsealed = (await conn.execute(select(func.count()).select_from(col.table).where(
        col.sealed.is_not(None), not_(col.sealed.like("%$%"))))).scalar_one()
    if unsealed:
        out[NOT_SEALED] = unsealed
    return out


async def remaining(conn: AsyncConnection, active_id: str, columns: Iterable[SealedColumn] = COLUMNS
                    ) -> dict[str, int]:
    """Values per column still sealed under a key other than ``active_id``."""
    out = {}
    for col in columns:
        out[col.name] = (await conn.execute(select(func.count()).select_from(col.table)
                                            .where(needs_rotation(col, active_id)))).scalar_one()
    return out


@dataclasses.dataclass(frozen=True)
class Chunk:
    scanned: int
    changed: int
    last: tuple[Any, ...] | None


def _after(pk: Sequence[Any], after: tuple[Any, ...]) -> ColumnElement[bool]:
    if len(pk) == 1:
        return pk[0] > after[0]
    return tuple_(*pk) > tuple_(*after)


async def reencrypt_chunk(conn: AsyncConnection, keyring: Keyring, col: SealedColumn, *,
                          after: tuple[Any, ...] | None, limit: int) -> Chunk:
    """Re-seal up to ``limit`` values after primary key ``after`` under the active key."""
    pk = col.primary_key
    pk_names = [c.name for c in pk]
    extra = [col.table.c[n] for n in col.needs if n not in pk_names]
    query = select(*pk, col.sealed, *extra).where(needs_rotation(col, keyring.active_id))
    if after is not None:
        query = query.where(_after(pk, after))
    rows = (await conn.execute(query.order_by(*pk).limit(limit))).all()
    if not rows:
        return Chunk(0, 0, None)
    params = []
    for row in rows:
        values = row._mapping
        context = col.context_of(values)
        old = values[col.column]
        params.append({**{f"pk_{n}": values[n] for n in pk_names}, "old_value": old,
                       "new_value": keyring.encrypt(keyring.decrypt(old, context), context)})
    where = [c == bindparam(f"pk_{c.name}") for c in pk] + [col.sealed == bindparam("old_value")]
    await conn.execute(update(col.table).where(*where).values({col.column: bindparam("new_value")}), params)
    last = rows[-1]._mapping
    return Chunk(len(rows), len(rows), tuple(last[n] for n in pk_names))


@dataclasses.dataclass
class Reencryption:
    write: UnitOfWork
    read: UnitOfWork
    keyring: Keyring
    columns: tuple[SealedColumn, ...] = COLUMNS
    chunk: int = 500
    #: called after every committed chunk with the column and how many values it re-sealed
    on_chunk: Callable[[SealedColumn, int], Any] | None = None
    #: a writer that never picks up the new key (one configured by environment variable)
    #: would keep a run going forever: stop after this many passes; status shows the rest
    max_passes: int = 20
    passes: int = 0

    async def remaining(self) -> dict[str, int]:
        async with self.read() as conn:
            return await remaining(conn, self.keyring.active_id, self.columns)

    async def one_pass(self) -> dict[str, int]:
        changed = {c.name: 0 for c in self.columns}
        for col in self.columns:
            after: tuple[Any, ...] | None = None
            while True:
                async with self.write() as conn:
                    chunk = await reencrypt_chunk(conn, self.keyring, col, after=after, limit=self.chunk)
                changed[col.name] += chunk.changed
                if self.on_chunk is not None:
                    result = self.on_chunk(col, chunk.changed)
                    if hasattr(result, "__await__"):
                        await result
                if chunk.scanned < self.chunk:
                    break
                after = chunk.last
        self.passes += 1
        return changed

    async def run(self) -> dict[str, int]:
        """Passes until one finds nothing left (or ``max_passes``); values re-sealed per column."""
        totals = {c.name: 0 for c in self.columns}
        for _ in range(self.max_passes):
            changed = await self.one_pass()
            for name, n in changed.items():
                totals[name] += n
            if not any(changed.values()):
                break
        return totals

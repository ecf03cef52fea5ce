"""numbering.dbtypes.executemany on both backends: the rows write what one statement a
row would, in the rows' order, and the count is of the rows the statement changed. On
PostgreSQL an INSERT's rows go as arrays in one statement (``unnest``), the same text
for every number of rows, and so do an UPDATE's when the caller has locked them; an
UPDATE whose rows repeat a key, whose WHERE does not pin the primary key in its
top-level AND, or whose caller has not locked its rows, goes row by row, as does any
statement the rewriting would not keep the same (a DELETE)."""

from __future__ import annotations

import pytest
from sqlalchemy import and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.exc import DBAPIError

from carrier_gateway.db import Database
from carrier_gateway.tables import oem_nonces
from numbering.dbtypes import executemany
from provisioning.outbox.tables import outbox
from tests.support.statements import statements_run

_ENQUEUE = insert(outbox)
#: by its whole primary key, and only while the row is still due (a guard the count shows)
_RENEW = update(oem_nonces).where(oem_nonces.c.key_id == bindparam("b_key"), oem_nonces.c.nonce == bindparam("b_nonce"),
                                  oem_nonces.c.expires_at < bindparam("b_before")).values(
    expires_at=bindparam("v_expires"))
#: by a column that is not the key: every row of the key id
_RENEW_ALL = update(oem_nonces).where(oem_nonces.c.key_id == bindparam("b_key")).values(
    expires_at=bindparam("v_expires"))
#: the whole key, but only as one side of an OR: a row may match another row's target
_RENEW_EITHER = update(oem_nonces).where(or_(
    and_(oem_nonces.c.key_id == bindparam("b_key"), oem_nonces.c.nonce == bindparam("b_nonce")),
    oem_nonces.c.expires_at == bindparam("b_expires"))).values(expires_at=bindparam("v_expires"))
_FORGET = delete(oem_nonces).where(oem_nonces.c.key_id == bindparam("b_key"),
                                   oem_nonces.c.nonce == bindparam("b_nonce"))


def _event(n: int) -> dict[str, object]:
    return {"enterprise_id": 1, "event": f"e{n}", "payload": "{}", "due_at": n}


async def _nonces(db: Database, *names: str) -> None:
    async with db.write() as conn:
        await conn.execute(insert(oem_nonces), [{"key_id": "k", "nonce": n, "expires_at": 100} for n in names])


async def _expiry(db: Database) -> dict[str, int]:
    async with db.read() as conn:
        return {n: e for n, e in await conn.execute(select(oem_nonces.c.nonce, oem_nonces.c.expires_at))}


async def test_inserts_keep_the_rows_order_and_count_them(db: Database) -> None:
    async with db.write() as conn:
        assert await executemany(conn, _ENQUEUE, [_event(n) for n in (5, 3, 9, 1)]) == 4
    async with db.read() as conn:
        stored = [e for (e,) in await conn.execute(select(outbox.c.event).order_by(outbox.c.id))]
    assert stored == ["e5", "e3", "e9", "e1"]


async def test_an_update_counts_only_the_rows_it_changed(db: Database) -> None:
    await _nonces(db, "a", "b", "c")
    async with db.write() as conn:
        await conn.execute(update(oem_nonces).where(oem_nonces.c.nonce == "b").values(expires_at=500))
        changed = await executemany(conn, _RENEW, [{"b_key": "k", "b_nonce": n, "b_before": 200, "v_expires": 300}
                                                   for n in ("a", "b", "c", "absent")], rows_locked=True)
    assert changed == 2  # "b" is past the guard, "absent" is no row
    assert await _expiry(db) == {"a": 300, "b": 500, "c": 300}


async def test_rows_repeating_a_key_are_applied_in_order(db: Database) -> None:
    await _nonces(db, "a", "b")
    async with db.write() as conn:
        await executemany(conn, _RENEW, [{"b_key": "k", "b_nonce": "a", "b_before": 10**6, "v_expires": 7},
                                         {"b_key": "k", "b_nonce": "b", "b_before": 10**6, "v_expires": 8},
                                         {"b_key": "k", "b_nonce": "a", "b_before": 10**6, "v_expires": 9}],
                          rows_locked=True)
        await executemany(conn, _RENEW_ALL, [{"b_key": "k", "v_expires": 1}, {"b_key": "k", "v_expires": 2}])
    assert await _expiry(db) == {"a": 2, "b": 2}
    async with db.write() as conn:
        await executemany(conn, _RENEW, [{"b_key": "k", "b_nonce": "a", "b_before": 10**6, "v_expires": 11},
                                         {"b_key": "k", "b_nonce": "a", "b_before": 10**6, "v_expires": 12}],
                          rows_locked=True)
    assert (await _expiry(db))["a"] == 12


async def test_a_key_under_an_or_is_not_a_pinned_key(db: Database) -> None:
    """The second row's OR side matches the first row's target: one statement a row
    changes it twice (the last value wins) and "b" once; a single UPDATE ... FROM would
    change each target once, whichever row it met first."""
    await _nonces(db, "a", "b")
    async with db.write() as conn:
        changed = await executemany(conn, _RENEW_EITHER, [
            {"b_key": "k", "b_nonce": "a", "b_expires": -1, "v_expires": 10},
            {"b_key": "k", "b_nonce": "b", "b_expires": 10, "v_expires": 20}], rows_locked=True)
    assert await _expiry(db) == {"a": 20, "b": 20}
    assert changed in (3, -1)  # -1: PostgreSQL's driver cannot count rows sent one by one


async def test_a_delete_runs_for_every_row(db: Database) -> None:
    await _nonces(db, "a", "b", "c")
    async with db.write() as conn:
        await executemany(conn, _FORGET, [{"b_key": "k", "b_nonce": n} for n in ("a", "c")])
    assert await _expiry(db) == {"b": 100}


async def test_postgresql_sends_the_rows_as_arrays_in_one_statement(db: Database, backend: str) -> None:
    """The server runs its executor once for all the rows (not once a row), and every
    number of rows is the same statement to prepare; rows repeating a key, or an UPDATE
    not pinned to the primary key, keep one statement a row."""
    if backend != "postgresql":
        pytest.skip("SQLite's executemany is one call with a statement a row already")
    await _nonces(db, *(f"n{i}" for i in range(40)))
    with statements_run(db.write_engine) as seen:
        for size in (1, 3, 40):
            async with db.write() as conn:
                await executemany(conn, _ENQUEUE, [_event(n) for n in range(size)])
                await executemany(conn, _RENEW, [{"b_key": "k", "b_nonce": f"n{i}", "b_before": 10**6,
                                                  "v_expires": size} for i in range(size)], rows_locked=True)
    inserts = {s for s in seen if s.startswith("INSERT INTO outbox")}
    updates = {s for s in seen if s.startswith("UPDATE oem_nonces")}
    assert len(inserts) == 1 and "unnest" in next(iter(inserts))
    assert len(updates) == 1 and "unnest" in next(iter(updates))
    one = {"b_key": "k", "b_nonce": "n1", "b_before": 10**6, "v_expires": 1}
    with statements_run(db.write_engine) as seen:
        async with db.write() as conn:
            await executemany(conn, _RENEW, [one] * 2, rows_locked=True)  # the same key twice
            await executemany(conn, _RENEW, [one, {**one, "b_nonce": "n2"}])  # rows not locked by the caller
            await executemany(conn, _RENEW_ALL, [{"b_key": "k", "v_expires": 3}], rows_locked=True)
            await executemany(conn, _RENEW_EITHER, [{**one, "b_expires": 5}], rows_locked=True)
    assert len([s for s in seen if s.startswith("UPDATE")]) == 4 and not any("unnest" in s for s in seen)


async def test_postgresql_refuses_a_value_too_long_for_its_column(db: Database, backend: str) -> None:
    """The arrays are of the unsized type: the column refuses a longer value, as it does
    a parameter of its own, instead of a cast cutting it short."""
    if backend != "postgresql":
        pytest.skip("SQLite does not enforce a column's declared length")
    with pytest.raises(DBAPIError, match="too long"):
        async with db.write() as conn:
            await executemany(conn, _ENQUEUE, [{**_event(1), "event": "e" * 41}])
    async with db.read() as conn:
        assert (await conn.execute(select(outbox.c.id))).all() == []

"""`carrier registrations show` is masked; --unmask needs a purpose and an auditor token, and is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from carrier_gateway import ops_auth
from carrier_gateway.db import Database
from provisioning.audit.tables import audit_log
from provisioning.privacy.keyring import Keyring
from tests.support.sealed import fill, run_cli


async def _token(db: Database, role: str) -> str:
    async with db.write() as conn:
        return (await ops_auth.create_token(conn, role, actor="cli:test")).token


async def _reads(db: Database) -> list[tuple[str, str, str]]:
    async with db.read() as conn:
        rows = await conn.execute(select(audit_log.c.actor, audit_log.c.object_id, audit_log.c.detail)
                                  .where(audit_log.c.action == "personal_data.read").order_by(audit_log.c.seq))
        return [(r.actor, r.object_id, r.detail) for r in rows]


async def test_show_masked_and_unmasked(db: Database, db_url: str, master_key: Keyring,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    filled = await fill(db, master_key, registrations=1)
    rid = filled.registration_ids[0]
    shown = await run_cli("registrations", "show", rid, "--database-url", db_url)
    assert shown.code == 0, shown.err
    assert "subject.id_number" in shown.out and "********" in shown.out
    as_json = (await run_cli("registrations", "show", rid, "--json", "--database-url", db_url)).json()
    id_masked = as_json["subject"]["id_number"]
    assert id_masked.count("*") == 8

    ops, auditor = await _token(db, "ops"), await _token(db, "auditor")
    cases = [
        ((), "state the purpose"),
        (("--purpose", "complaint 2026-7"), "needs an auditor's ops token"),
        (("--purpose", "complaint 2026-7", "--token", ops), "ops role may not"),
        (("--purpose", "complaint 2026-7", "--token", "cop_nope"), "unknown or revoked"),
        (("--token", auditor), "state the purpose"),
    ]
    for extra, message in cases:
        res = await run_cli("registrations", "show", rid, "--unmask", *extra, "--database-url", db_url)
        assert res.code == 1 and message in res.err and res.err.count("\n") == 1, (extra, res.err)
    assert await _reads(db) == []
    clear = await run_cli("registrations", "show", rid, "--unmask", "--purpose", "complaint 2026-7", "--token",
                          auditor, "--json", "--database-url", db_url)
    assert clear.code == 0, clear.err
    number = clear.json()["subject"]["id_number"]
    assert "*" not in number and number[:6] == id_masked[:6] and number[-4:] == id_masked[-4:]
    monkeypatch.setenv("CARRIER_OPS_TOKEN", auditor)
    again = await run_cli("audit", "unmask", "registration", rid, "--purpose", "complaint 2026-7",
                          "--database-url", db_url)
    assert again.code == 0 and number in again.out
    persons = await run_cli("audit", "unmask", "persons", str(filled.oem.enterprise_id), "--history",
                            "--purpose", "inspection 2026-Q4", "--json", "--database-url", db_url)
    assert {p["phone"] for p in persons.json()["items"]} == {"13700000001", "13700000002", "13700000003"}
    reads = await _reads(db)
    assert [r[1] for r in reads] == [rid, rid, str(filled.oem.enterprise_id)]
    assert all(r[0].startswith("ops:") and '"via":"cli:' in r[2] for r in reads)
    assert all(number not in r[2] and "13700000001" not in r[2] for r in reads)

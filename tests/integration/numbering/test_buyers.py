"""Numbers and addresses go only to enterprises that exist and may buy, the same way
from the CLI and the ops API (one use case behind both), and each allocation is audited
once in one vocabulary."""

from __future__ import annotations

import asyncio
import datetime as dt
import random

from sqlalchemy import select

from carrier_gateway.db import Database
from carrier_gateway.ops_auth import create_token
from provisioning.audit.tables import audit_log
from provisioning.documents import fake
from provisioning.enterprises.registry import add_enterprise
from provisioning.resources.events import Action
from tests.support.cli import carrier
from tests.support.http import app_client
from tests.support.world import ACTOR, enterprises_up_to

BASE = 1440000000000


def _cli(db_url: str, *args: str) -> tuple[int, str, str]:
    res = carrier(*args, "--database-url", db_url)
    return res.code, res.out, res.err


async def test_a_missing_enterprise_gets_no_numbers_from_the_cli(db_url: str) -> None:
    await enterprises_up_to(db_url, 1)
    assert (await asyncio.to_thread(_cli, db_url, "segment", "add", "--first", str(BASE), "--last",
                                    str(BASE + 999)))[0] == 0
    assert (await asyncio.to_thread(_cli, db_url, "pool", "add", "10.0.0.0/16", "--apn", "iov.sandbox"))[0] == 0
    for args in (("segment", "allocate", "--enterprise", "999", "--count", "10"),
                 ("pool", "allocate", "--enterprise", "4242", "--prefix-length", "28", "--apn", "iov.sandbox")):
        code, out, err = await asyncio.to_thread(_cli, db_url, *args)
        missing = args[3]
        assert (code, out) == (1, "") and err == f"error: no enterprise with id {missing}\n", err


async def test_a_missing_enterprise_gets_a_404_from_the_ops_api(db_url: str, db: Database) -> None:
    await enterprises_up_to(db_url, 1)
    async with db.write() as conn:
        token = (await create_token(conn, "ops", "t")).token
    headers = {"Authorization": f"Bearer {token}"}
    async with app_client(db_url) as http:
        assert (await http.post("/ops/v1/segments", headers=headers,
                                json={"first": str(BASE), "last": str(BASE + 999)})).status == 201
        assert (await http.post("/ops/v1/pools", headers=headers,
                                json={"cidr": "10.0.0.0/16", "apn": "iov.sandbox"})).status == 201
        for path, body in (("/ops/v1/segments/allocate", {"enterprise_id": 999, "count": 10}),
                           ("/ops/v1/pools/allocate", {"enterprise_id": 4242, "prefix_length": 28})):
            resp = await http.post(path, headers=headers, json=body)
            problem = await resp.json()
            assert resp.status == 404 and resp.content_type == "application/problem+json"
            assert problem["code"] == "ENTERPRISE_NOT_FOUND"
            assert problem["detail"] == f"no enterprise with id {body['enterprise_id']}"
        ok = await http.post("/ops/v1/segments/allocate", headers=headers, json={"enterprise_id": 1, "count": 10})
        assert ok.status == 201
    async with db.read() as conn:
        actions = [r.action for r in await conn.execute(select(audit_log.c.action).order_by(audit_log.c.seq))]
    assert actions.count(str(Action.BLOCK_ALLOCATED)) == 1, "refused allocations leave no trace but their refusal"


async def test_an_agent_outside_its_authorisation_may_not_buy(db_url: str, db: Database) -> None:
    await enterprises_up_to(db_url, 1)
    rng = random.Random(3)
    async with db.write() as conn:
        agent = await add_enterprise(conn, name="代理销售有限公司", uscc=fake.uscc(rng), kind="AGENT", actor=ACTOR,
                                     authorized_by=1, authorized_from=dt.date(2020, 1, 1),
                                     authorized_until=dt.date(2021, 1, 1))
    assert (await asyncio.to_thread(_cli, db_url, "segment", "add", "--first", str(BASE), "--last",
                                    str(BASE + 999)))[0] == 0
    code, _, err = await asyncio.to_thread(_cli, db_url, "segment", "allocate", "--enterprise", str(agent.id),
                                           "--count", "10")
    assert code == 1 and "expired on 2021-01-01" in err and err.count("\n") == 1

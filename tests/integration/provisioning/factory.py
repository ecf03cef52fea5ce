"""Test data for the provisioning tests: valid codes and ready-made enterprises."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.documents.uscc import calc_check_digit
from provisioning.enterprises import destinations
from provisioning.enterprises.registry import Enterprise, add_enterprise

ACTOR = "cli:test"
PLATFORM = "203.0.113.0/24"
SHORT_CODE = "1065800001"
CALL_CENTRE = "4008001234"


def uscc(n: int, authority: str = "9") -> str:
    body = f"{authority}1110000{n:09d}"
    return body + calc_check_digit(body)


async def enterprise(conn: AsyncConnection, n: int = 1, *, with_destinations: bool = True, **kw: object) -> Enterprise:
    ent = await add_enterprise(conn, name=f"测试汽车{n}有限公司", uscc=uscc(n), actor=ACTOR, **kw)  # type: ignore[arg-type]
    if with_destinations:
        for kind, value in (("PLATFORM_PREFIX", PLATFORM), ("SHORT_CODE", SHORT_CODE),
                            ("CALL_CENTRE", CALL_CENTRE)):
            await destinations.add_destination(conn, ent.id, kind, value, actor=ACTOR)
    return ent

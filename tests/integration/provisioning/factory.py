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


SEGMENT_FIRST = 1440000000000


async def stock(conn: AsyncConnection, enterprise_id: int, *, numbers: int = 1000, prefix_length: int | None = 24,
                segment: tuple[int, int] = (SEGMENT_FIRST, SEGMENT_FIRST + 99_999)) -> None:
    """Give an enterprise a number block (and an IP prefix), adding stock if needed."""
    from numbering.errors import Conflict as Taken
    from numbering.ip import pools
    from numbering.msisdn import segments

    try:
        await segments.add_segment(conn, *segment, label="test")
    except Taken:
        pass  # added for an earlier enterprise
    await segments.allocate_block(conn, enterprise_id, numbers)
    if prefix_length is not None:
        try:
            await pools.add_pool(conn, "10.200.0.0/16", "iov.test")
        except Taken:
            pass
        await pools.allocate_prefix(conn, enterprise_id, prefix_length)

"""The recorded carrier profile and the ICCID/IMSI serial counters."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from carrier_gateway.db import Database
from numbering.errors import Conflict, Exhausted, Invalid
from numbering.identifiers import iccid, imsi, profile, serials
from numbering.msisdn import segments
from numbering.tables import serials as serials_table
from tests.integration.numbering.helpers import BASE, read, write


async def test_default_profile_is_china_mobile_until_one_is_recorded(db: Database) -> None:
    prof = await read(db, profile.get_profile)
    assert (prof.key, prof.mcc, prof.default_mnc, prof.default_iccid_issuer, prof.quarantine_days) == (
        "china-mobile", "460", "04", "04", 90)
    telecom = await write(db, profile.set_profile, "china-telecom")
    assert (telecom.key, telecom.mncs, telecom.msisdn_prefixes) == ("china-telecom", ("03", "05", "11"), ("1410",))
    assert (await read(db, profile.get_profile)).key == "china-telecom"


async def test_carrier_is_locked_once_numbers_exist(db: Database) -> None:
    await write(db, segments.add_segment, BASE, BASE + 9)
    assert (await write(db, profile.set_profile, "china-mobile")).key == "china-mobile"  # same: fine
    with pytest.raises(Conflict, match="already holds 1 number segment\\(s\\) of China Mobile; it cannot become "
                                       "China Unicom") as err:
        await write(db, profile.set_profile, "china-unicom")
    assert err.value.code == "CARRIER_LOCKED"
    assert (await read(db, profile.get_profile)).key == "china-mobile"


async def test_issued_serials_also_lock_the_carrier(db: Database) -> None:
    await write(db, serials.reserve, "iccid", 1)
    with pytest.raises(Conflict, match="issued ICCID/IMSI serials"):
        await write(db, profile.set_profile, "china-telecom")


async def test_unknown_carrier_is_invalid(db: Database) -> None:
    with pytest.raises(Invalid, match="unknown carrier 'china-broadnet': use one of china-mobile, china-unicom"):
        await write(db, profile.set_profile, "china-broadnet")


async def test_quarantine_days_survive_a_carrier_change(db: Database) -> None:
    await write(db, profile.set_quarantine_days, 30)
    changed = await write(db, profile.set_profile, "china-unicom")
    assert changed.quarantine_days == 30 and (await read(db, profile.get_profile)).quarantine_days == 30


async def test_serials_are_contiguous_ranges_per_kind(db: Database) -> None:
    assert await write(db, serials.reserve, "iccid", 100) == 1
    assert await write(db, serials.reserve, "iccid", 5) == 101
    assert await write(db, serials.reserve, "imsi", 1) == 1
    assert await read(db, serials.peek, "iccid") == 106
    prof = await read(db, profile.get_profile)
    assert iccid.from_serial(prof, 101) == "89860400000000001013"
    assert imsi.from_serial(prof, 1) == "460040000000001"


async def test_serial_space_overflow_is_exhausted(db: Database) -> None:
    await write(db, serials.reserve, "imsi", 1)
    async with db.write() as conn:
        await conn.execute(update(serials_table).where(serials_table.c.kind == "imsi")
                           .values(next_serial=imsi.SERIAL_LIMIT - 3))
    with pytest.raises(Exhausted, match="only 3 IMSI serials are left, 4 requested"):
        await write(db, serials.reserve, "imsi", 4)
    assert await write(db, serials.reserve, "imsi", 3) == imsi.SERIAL_LIMIT - 3
    with pytest.raises(Exhausted, match="only 0 IMSI"):
        await write(db, serials.reserve, "imsi", 1)


@pytest.mark.parametrize(("kind", "count", "field"), [("msisdn", 1, "kind"), ("iccid", 0, "count")])
async def test_bad_serial_requests(db: Database, kind: str, count: int, field: str) -> None:
    with pytest.raises(Invalid) as err:
        await write(db, serials.reserve, kind, count)
    assert err.value.field == field

"""Ops API: the carrier profile, IoT number segments, enterprise blocks and quarantine."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from aiohttp import web
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from carrier_gateway.api.ops_enterprises import READERS, actor
from carrier_gateway.appkeys import DB
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from numbering.identifiers import profile
from numbering.msisdn import segments, usage
from provisioning.inputs import Input, RowId
from provisioning.resources import numbers

router = Router("ops: numbering")

#: a 13-digit IoT number; JSON numbers are accepted too
Msisdn = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, int) else v),
                   Field(pattern=r"^\d{13}$", examples=["1440000000000"])]


class ProfileOut(BaseModel):
    key: str
    name: str
    mcc: str
    mncs: list[str]
    default_mnc: str
    iccid_issuers: list[str]
    default_iccid_issuer: str
    msisdn_prefixes: list[str]
    quarantine_days: int


class ProfilePatch(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"quarantine_days": 90}]})
    quarantine_days: int = Field(ge=0, le=profile.MAX_QUARANTINE_DAYS, description="cooling-off of released numbers")


class SegmentIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"first": "1440000000000", "last": "1440000999999", "label": "Beijing IoV 1"}]})
    first: Msisdn
    last: Msisdn
    label: str = Field("", max_length=200)


class SegmentOut(BaseModel):
    id: int
    first: str
    last: str
    label: str
    total: int = Field(description="stock + allocated + quarantined")
    stock: int = Field(description="free, not allocated to any enterprise")
    allocated: int = Field(description="in enterprise blocks (free there or assigned to cards)")
    assigned: int = Field(description="the part of allocated held by cards")
    quarantined: int = Field(description="released, cooling off before reuse")
    blocks: int
    created_at: dt.datetime


class BlockOut(BaseModel):
    id: int
    segment_id: int
    enterprise_id: int
    first: str
    last: str
    count: int
    free: int
    assigned: int
    quarantined: int
    allocated_at: dt.datetime


class SegmentDetail(SegmentOut):
    block_list: list[BlockOut]


class SegmentList(BaseModel):
    items: list[SegmentOut]


class BlockQuery(Input):
    enterprise_id: RowId | None = None
    segment_id: RowId | None = None


class BlockList(BaseModel):
    items: list[BlockOut]


class AllocateIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"enterprise_id": 1, "count": 10000}]})
    enterprise_id: RowId
    count: int = Field(ge=1, le=10**9)
    segment_id: RowId | None = Field(None, description="allocate from this segment only (default: best fit anywhere)")


class AllocatedOut(BaseModel):
    enterprise: int
    first: str
    last: str
    count: int
    block_id: int
    segment_id: int


class ReleaseIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"msisdns": ["1440000000007"]}]})
    msisdns: list[Msisdn] = Field(min_length=1, max_length=10000)


class ReleasedOut(BaseModel):
    released: int
    quarantined_until: dt.datetime | None = None


_SEGMENT = {"id": 1, "first": "1440000000000", "last": "1440000999999", "label": "Beijing IoV 1",
            "total": 1000000, "stock": 990000, "allocated": 9998, "assigned": 5000, "quarantined": 2, "blocks": 1,
            "created_at": "2026-11-28T08:00:00Z"}
_BLOCK = {"id": 1, "segment_id": 1, "enterprise_id": 1, "first": "1440000000000", "last": "1440000009999",
          "count": 10000, "free": 4998, "assigned": 5000, "quarantined": 2, "allocated_at": "2026-11-28T08:00:00Z"}
_ALLOCATED = {"enterprise": 1, "first": "1440000000000", "last": "1440000009999", "count": 10000, "block_id": 1,
              "segment_id": 1}
_PROFILE = {"key": "china-mobile", "name": "China Mobile", "mcc": "460", "mncs": ["00", "02", "04", "07", "08"],
            "default_mnc": "04", "iccid_issuers": ["00", "02", "04", "07"], "default_iccid_issuer": "04",
            "msisdn_prefixes": ["1440", "1441", "148"], "quarantine_days": 90}
SEGMENT = "/ops/v1/segments/{segment_id:\\d+}"


@router.get("/ops/v1/numbering/profile", summary="The carrier being simulated and its number codes", auth="ops",
            roles=READERS, response=ProfileOut, response_example=_PROFILE,
            description="The carrier is chosen at `carrier init --carrier`; its default MNC and ICCID issuer "
                        "code go into every IMSI and ICCID issued, and segments must lie in its MSISDN prefixes.")
async def ops_get_profile(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        prof = await profile.get_profile(conn)
    return json_response(prof)


@router.route("PATCH", "/ops/v1/numbering/profile", summary="Set the cooling-off period of released numbers",
              auth="ops", roles={"ops"}, body=ProfilePatch, response=ProfileOut, response_example=_PROFILE,
              description="Applies to numbers released from now on; numbers already cooling off keep their date. "
                          "Audited.")
async def ops_patch_profile(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].write() as conn:
        prof = await numbers.set_cooling_off(conn, call.body.quarantine_days, actor=actor(call))
    return json_response(prof)


@router.post("/ops/v1/segments", summary="Add a range of 13-digit IoT numbers to stock", auth="ops", roles={"ops"},
             description="Both ends must be in the carrier's IoT prefixes (not a reserved one) and the range "
                         "must not overlap an existing segment.",
             body=SegmentIn, response=SegmentOut, status=201, errors=(409,), response_example=_SEGMENT)
async def ops_add_segment(request: web.Request, call: Call) -> web.Response:
    body: SegmentIn = call.body
    async with request.app[DB].write() as conn:
        seg = await numbers.add_segment(conn, int(body.first), int(body.last), body.label, actor=actor(call))
        [out] = await usage.segment_usage(conn, seg["id"])
    return json_response(out, status=201)


@router.get("/ops/v1/segments", summary="Segments with their utilisation", auth="ops", roles=READERS,
            response=SegmentList, response_example={"items": [_SEGMENT]})
async def ops_list_segments(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        return json_response({"items": await usage.segment_usage(conn)})


@router.get(SEGMENT, summary="One segment, its utilisation and its blocks", auth="ops", roles=READERS,
            response=SegmentDetail, errors=(404,), response_example={**_SEGMENT, "block_list": [_BLOCK]})
async def ops_get_segment(request: web.Request, call: Call) -> web.Response:
    seg_id = int(request.match_info["segment_id"])
    async with request.app[DB].read() as conn:
        [seg] = await usage.segment_usage(conn, seg_id)
        blocks = await usage.block_usage(conn, segment_id=seg_id)
    return json_response({**seg, "block_list": blocks})


@router.post("/ops/v1/segments/allocate", summary="Give an enterprise one contiguous block of N numbers (best fit)",
             auth="ops", roles={"ops"}, body=AllocateIn, response=AllocatedOut, status=201, errors=(404, 409),
             response_example=_ALLOCATED)
async def ops_allocate_block(request: web.Request, call: Call) -> web.Response:
    body: AllocateIn = call.body
    async with request.app[DB].write() as conn:
        block = await numbers.allocate_block(conn, body.enterprise_id, body.count, segment_id=body.segment_id,
                                             actor=actor(call))
    return json_response({"enterprise": block.enterprise_id, "first": str(block.first), "last": str(block.last),
                          "count": block.count, "block_id": block.id, "segment_id": block.segment_id}, status=201)


@router.get("/ops/v1/blocks", summary="Enterprise blocks with free, assigned and quarantined counts", auth="ops",
            roles=READERS, query=BlockQuery, response=BlockList, response_example={"items": [_BLOCK]})
async def ops_list_blocks(request: web.Request, call: Call) -> web.Response:
    q: BlockQuery = call.query
    async with request.app[DB].read() as conn:
        items = await usage.block_usage(conn, enterprise_id=q.enterprise_id, segment_id=q.segment_id)
    return json_response({"items": items})


@router.delete("/ops/v1/blocks/{block_id:\\d+}", summary="Give a block back to stock (refused while in use)",
               auth="ops", roles={"ops"}, response=AllocatedOut, errors=(404, 409), response_example=_ALLOCATED,
               description="Refused (409 BLOCK_IN_USE) while any of its numbers is assigned to a card: terminate "
                           "those cards first. Its free numbers go back to the segment's stock; numbers still "
                           "cooling off follow when their quarantine ends.")
async def ops_release_block(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].write() as conn:
        block = await numbers.release_block(conn, int(request.match_info["block_id"]), actor=actor(call))
    return json_response({"enterprise": block.enterprise_id, "first": str(block.first), "last": str(block.last),
                          "count": block.count, "block_id": block.id, "segment_id": block.segment_id})


@router.post("/ops/v1/msisdns/release", summary="Put assigned numbers into quarantine (all or nothing)",
             auth="ops", roles={"ops"}, body=ReleaseIn, response=ReleasedOut, errors=(409,),
             response_example={"released": 1, "quarantined_until": "2027-02-26T08:00:00Z"},
             description="A repair tool: terminating a card quarantines its number by itself. Every number must "
                         "be assigned (in a block, neither free nor already cooling off), else 409 "
                         "MSISDN_NOT_ASSIGNED names the first that is not and nothing is released. The numbers "
                         "cool off for the profile's `quarantine_days`.")
async def ops_release_msisdns(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].write() as conn:
        done = await numbers.quarantine_msisdns(conn, [int(n) for n in call.body.msisdns], actor=actor(call))
    return json_response({"released": done.count, "quarantined_until": done.until})


@router.post("/ops/v1/msisdns/expire", summary="Return numbers whose cooling-off has ended", auth="ops",
             roles={"ops"}, response=ReleasedOut, response_example={"released": 2},
             description="`carrier serve` does this unattended; this runs it now. Each number goes back to its "
                         "block's free numbers, or to the segment's stock if the block was given back meanwhile.")
async def ops_expire_quarantine(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].write() as conn:
        freed = await segments.expire_quarantine(conn)
    return json_response({"released": freed})

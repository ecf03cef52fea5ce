"""Ops API: IP pools per APN, prefixes allocated to enterprises, static addresses."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from carrier_gateway.api.ops_enterprises import READERS, actor
from carrier_gateway.appkeys import DB
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from numbering.ip import pool_usage, pools
from provisioning.inputs import Input, RowId
from provisioning.resources import addresses

router = Router("ops: numbering")
BIG = "decimal string: an IPv6 pool can hold more than 2**64 addresses"


class PoolIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"cidr": "10.0.0.0/8", "apn": "iov.carrier", "label": "TBOX data"}]})
    cidr: str = Field(max_length=43, description="IPv4 or IPv6 network, host bits zero")
    apn: str = Field(max_length=63)
    label: str = Field("", max_length=200)


class PoolOut(BaseModel):
    id: int
    cidr: str
    apn: str
    version: int
    label: str
    size: str = Field(description=BIG)
    allocated: str = Field(description=BIG)
    free: str = Field(description=BIG)
    allocated_percent: float
    prefixes: int
    assigned_addresses: int
    created_at: dt.datetime


class PrefixOut(BaseModel):
    id: int
    pool_id: int
    enterprise_id: int
    prefix: str
    apn: str
    usable: str = Field(description="addresses a card may get: " + BIG)
    assigned: int
    free: str = Field(description=BIG)
    allocated_at: dt.datetime


class PoolDetail(PoolOut):
    prefix_list: list[PrefixOut]


class PoolList(BaseModel):
    items: list[PoolOut]


class PrefixQuery(Input):
    enterprise_id: RowId | None = None
    pool_id: RowId | None = None


class PrefixList(BaseModel):
    items: list[PrefixOut]


class AllocateIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"enterprise_id": 1, "prefix_length": 24, "apn": "iov.carrier"}]})
    enterprise_id: RowId
    prefix_length: int = Field(ge=0, le=128)
    apn: str | None = Field(None, max_length=63, description="only pools of this APN")
    pool_id: RowId | None = Field(None, description="only this pool")


class AllocatedOut(BaseModel):
    enterprise: int
    prefix: str
    prefix_id: int
    pool_id: int


class AddressesIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [{"addresses": ["10.0.0.1"]}]})
    addresses: list[str] = Field(min_length=1, max_length=10000)


class ReleasedOut(BaseModel):
    released: int


_POOL = {"id": 1, "cidr": "10.0.0.0/8", "apn": "iov.carrier", "version": 4, "label": "TBOX data",
         "size": "16777216", "allocated": "256", "free": "16776960", "allocated_percent": 0.0015, "prefixes": 1,
         "assigned_addresses": 10, "created_at": "2026-11-28T08:00:00Z"}
_PREFIX = {"id": 1, "pool_id": 1, "enterprise_id": 1, "prefix": "10.0.0.0/24", "apn": "iov.carrier",
           "usable": "254", "assigned": 10, "free": "244", "allocated_at": "2026-11-28T08:00:00Z"}
_ALLOCATED = {"enterprise": 1, "prefix": "10.0.0.0/24", "prefix_id": 1, "pool_id": 1}


def _allocated(p: pools.Prefix) -> dict[str, object]:
    return {"enterprise": p.enterprise_id, "prefix": p.cidr, "prefix_id": p.id, "pool_id": p.pool_id}


@router.post("/ops/v1/pools", summary="Add an IPv4 or IPv6 pool for an APN", auth="ops", roles={"ops"},
             description="Pools never overlap, even across APNs, so an address names one assignment.",
             body=PoolIn, response=PoolOut, status=201, errors=(409,), response_example=_POOL)
async def ops_add_pool(request: web.Request, call: Call) -> web.Response:
    body: PoolIn = call.body
    async with request.app[DB].write() as conn:
        pool = await addresses.add_pool(conn, body.cidr, body.apn, body.label, actor=actor(call))
        [out] = await pool_usage.pool_usage(conn, pool["id"])
    return json_response(out, status=201)


@router.get("/ops/v1/pools", summary="Pools with their utilisation", auth="ops", roles=READERS,
            response=PoolList, response_example={"items": [_POOL]})
async def ops_list_pools(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        return json_response({"items": await pool_usage.pool_usage(conn)})


@router.get("/ops/v1/pools/{pool_id:\\d+}", summary="One pool, its utilisation and its prefixes", auth="ops",
            roles=READERS, response=PoolDetail, errors=(404,), response_example={**_POOL, "prefix_list": [_PREFIX]})
async def ops_get_pool(request: web.Request, call: Call) -> web.Response:
    pool_id = int(request.match_info["pool_id"])
    async with request.app[DB].read() as conn:
        [pool] = await pool_usage.pool_usage(conn, pool_id)
        items = await pool_usage.prefix_usage(conn, pool_id=pool_id)
    return json_response({**pool, "prefix_list": items})


@router.post("/ops/v1/pools/allocate", summary="Give an enterprise the first free sub-prefix of a length",
             auth="ops", roles={"ops"}, body=AllocateIn, response=AllocatedOut, status=201, errors=(404, 409),
             response_example=_ALLOCATED,
             description="The first free prefix of that length in the first pool (of the APN or pool given: "
                         "404 if none) that has one; 409 when every such pool is full. The enterprise's cards "
                         "get their static addresses from its prefixes.")
async def ops_allocate_prefix(request: web.Request, call: Call) -> web.Response:
    body: AllocateIn = call.body
    async with request.app[DB].write() as conn:
        prefix = await addresses.allocate_prefix(conn, body.enterprise_id, body.prefix_length, apn=body.apn,
                                                 pool_id=body.pool_id, actor=actor(call))
    return json_response(_allocated(prefix), status=201)


@router.get("/ops/v1/prefixes", summary="Allocated prefixes with usable and assigned addresses", auth="ops",
            roles=READERS, query=PrefixQuery, response=PrefixList, response_example={"items": [_PREFIX]})
async def ops_list_prefixes(request: web.Request, call: Call) -> web.Response:
    q: PrefixQuery = call.query
    async with request.app[DB].read() as conn:
        items = await pool_usage.prefix_usage(conn, enterprise_id=q.enterprise_id, pool_id=q.pool_id)
    return json_response({"items": items})


@router.delete("/ops/v1/prefixes/{prefix_id:\\d+}", summary="Give a prefix back to its pool (refused while in use)",
               auth="ops", roles={"ops"}, response=AllocatedOut, errors=(404, 409), response_example=_ALLOCATED,
               description="Refused (409 PREFIX_IN_USE) while cards hold static addresses in it.")
async def ops_release_prefix(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].write() as conn:
        prefix = await addresses.release_prefix(conn, int(request.match_info["prefix_id"]), actor=actor(call))
    return json_response(_allocated(prefix))


@router.post("/ops/v1/addresses/release", summary="Give static addresses back to their prefixes (all or nothing)",
             auth="ops", roles={"ops"}, body=AddressesIn, response=ReleasedOut, errors=(409,),
             response_example={"released": 1},
             description="A repair tool: terminating a card releases its static address by itself. Every address "
                         "must be assigned, else 409 ADDRESS_NOT_ASSIGNED names the first that is not and nothing "
                         "is released.")
async def ops_release_addresses(request: web.Request, call: Call) -> web.Response:
    body: AddressesIn = call.body
    async with request.app[DB].write() as conn:
        await addresses.release_addresses(conn, body.addresses, actor=actor(call))
    return json_response({"released": len(body.addresses)})

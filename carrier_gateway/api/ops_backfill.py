"""Ops API: back-registration (补登记) tracking against the configured deadline."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from carrier_gateway.api.ops_enterprises import actor
from carrier_gateway.appkeys import DB, SETTINGS
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from provisioning.backfill import flags, status
from provisioning.inputs import Input, RowId

router = Router("ops: back-registration")
READERS = {"ops", "regulator"}
MAX_FLAG = 10_000


class FlagIn(Input):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"enterprise_id": 1, "iccids": ["89860400000000000015", "89860400000000000023"]}]})
    enterprise_id: RowId
    iccids: list[str] = Field(min_length=1, max_length=MAX_FLAG)


class FlagOut(BaseModel):
    enterprise_id: int
    flagged: int = Field(description="newly flagged")
    already: int = Field(description="were flagged before")


class UnflagOut(BaseModel):
    enterprise_id: int
    unflagged: int


class ListQuery(Input):
    enterprise: RowId | None = None
    overdue: bool = Field(default=False, description="only cards still not registered after the deadline")
    cursor: str | None = Field(default=None, max_length=20)
    limit: int = Field(default=100, ge=1, le=status.MAX_PAGE)


class FlaggedCard(BaseModel):
    iccid: str
    enterprise_id: int
    msisdn: str
    card_state: str
    status: Literal["DONE", "PENDING", "REJECTED", "OUTSTANDING", "TERMINATED"]
    flagged_at: dt.datetime
    verified_at: dt.datetime | None
    overdue: bool


class FlaggedPage(BaseModel):
    deadline: dt.date
    items: list[FlaggedCard]
    next_cursor: str | None


class SummaryQuery(Input):
    enterprise: RowId | None = None


class EnterpriseSummary(BaseModel):
    enterprise_id: int
    flagged: int
    done: int
    done_late: int = Field(description="verified after the deadline")
    pending: int
    rejected: int
    outstanding: int = Field(description="not verified and the card still in service")
    overdue: int = Field(description="outstanding after the deadline")
    terminated: int = Field(description="left service without a verified registration")


class Summary(BaseModel):
    deadline: dt.date
    items: list[EnterpriseSummary]


_CARD = {"iccid": "89860400000000000015", "enterprise_id": 1, "msisdn": "1440000000000", "card_state": "ACTIVE",
         "status": "OUTSTANDING", "flagged_at": "2022-01-10T02:00:00Z", "verified_at": None, "overdue": True}
_SUMMARY = {"enterprise_id": 1, "flagged": 1200, "done": 1100, "done_late": 30, "pending": 20, "rejected": 5,
            "outstanding": 95, "overdue": 95, "terminated": 5}


def _deadline(request: web.Request) -> dt.date:
    return request.app[SETTINGS].policy().backfill_deadline


@router.post("/ops/v1/backfill", summary="Flag cards that must be registered late (all, or none if one is unknown)",
             auth="ops", roles={"ops"}, body=FlagIn, response=FlagOut, errors=(404, 422),
             response_example={"enterprise_id": 1, "flagged": 2, "already": 0},
             description="Flagged cards must get a verified registration (stage BACKFILL) by the configured "
                         "deadline. Every ICCID must be a card of that enterprise, else 404 CARD_NOT_FOUND names "
                         "them and nothing is flagged; a card flagged before counts in `already`. Audited.")
async def flag_backfill(request: web.Request, call: Call) -> web.Response:
    body: FlagIn = call.body
    async with request.app[DB].write() as conn:
        got = await flags.flag_cards(conn, body.enterprise_id, body.iccids, actor=actor(call))
    return json_response({"enterprise_id": body.enterprise_id, "flagged": got.flagged, "already": got.already})


@router.post("/ops/v1/backfill/unflag", summary="Remove back-registration flags set by mistake", auth="ops",
             roles={"ops"}, body=FlagIn, response=UnflagOut, errors=(422,),
             request_example={"enterprise_id": 1, "iccids": ["89860400000000000023"]},
             response_example={"enterprise_id": 1, "unflagged": 1},
             description="ICCIDs that are not flagged for that enterprise are skipped; `unflagged` counts the "
                         "flags removed. Audited.")
async def unflag_backfill(request: web.Request, call: Call) -> web.Response:
    body: FlagIn = call.body
    async with request.app[DB].write() as conn:
        removed = await flags.unflag_cards(conn, body.enterprise_id, body.iccids, actor=actor(call))
    return json_response({"enterprise_id": body.enterprise_id, "unflagged": removed})


@router.get("/ops/v1/backfill", summary="Flagged cards with their status and whether each is overdue",
            auth="ops", roles=READERS, query=ListQuery, response=FlaggedPage,
            response_example={"deadline": "2022-09-30", "items": [_CARD], "next_cursor": None})
async def list_backfill(request: web.Request, call: Call) -> web.Response:
    q: ListQuery = call.query
    deadline = _deadline(request)
    async with request.app[DB].read() as conn:
        page = await status.list_flagged(conn, deadline=deadline, enterprise_id=q.enterprise,
                                         overdue_only=q.overdue, cursor=q.cursor, limit=q.limit)
    return json_response({"deadline": deadline, **page.to_dict()})


@router.get("/ops/v1/backfill/summary", summary="Per enterprise: flagged, done, outstanding, overdue",
            auth="ops", roles=READERS, query=SummaryQuery, response=Summary,
            response_example={"deadline": "2022-09-30", "items": [_SUMMARY]})
async def backfill_summary(request: web.Request, call: Call) -> web.Response:
    deadline = _deadline(request)
    async with request.app[DB].read() as conn:
        found = await status.summary(conn, deadline=deadline, enterprise_id=call.query.enterprise)
    return json_response({"deadline": deadline, "items": [s.to_dict() for s in found]})

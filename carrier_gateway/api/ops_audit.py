"""Ops API: the audit trail for auditors and the regulator (read, verify, export)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from carrier_gateway.api.ops_enterprises import actor
from carrier_gateway.appkeys import DB
from carrier_gateway.jsonio import json_response
from carrier_gateway.routing import Call, Router
from provisioning.audit import formats, query
from provisioning.audit.trail import Event, record, verify

router = Router("ops: audit")
AUDIT_READERS = {"auditor", "regulator"}

_ENTRY = {"seq": 41, "at": "2026-11-28T08:00:00.123456Z", "actor": "ops:3", "action": "personal_data.read",
          "object_type": "registration", "object_id": "r0193a1b2c3d4e5f6a7b8c9", "enterprise_id": 1,
          "detail": {"purpose": "complaint 2026-118 from the subscriber", "fields": ["subject"]},
          "prev_hash": "9f2c...", "hash": "4b1e..."}


class AuditQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    actor: str | None = Field(default=None, max_length=120)
    action: str | None = Field(default=None, max_length=80, description="exact, or a prefix ending in '.'")
    object_type: str | None = Field(default=None, max_length=40)
    object_id: str | None = Field(default=None, max_length=80)
    enterprise_id: int | None = None
    since: dt.datetime | None = Field(default=None, alias="from", description="entries at or after this time")
    until: dt.datetime | None = Field(default=None, alias="to", description="entries before this time")

    def filters(self) -> query.Filters:
        return query.Filters(**self.model_dump(include=_FILTER_FIELDS))


_FILTER_FIELDS = set(AuditQuery.model_fields)


class AuditPageQuery(AuditQuery):
    cursor: str | None = Field(default=None, pattern=r"^\d{1,18}$")
    limit: int = Field(default=100, ge=1, le=500)


class AuditExportQuery(AuditQuery):
    format: Literal["jsonl", "csv"] = "jsonl"


class AuditEntry(BaseModel):
    seq: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    enterprise_id: int | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEntry]
    next_cursor: str | None


class VerifyOut(BaseModel):
    ok: bool
    checked: int
    first_bad_seq: int | None
    problem: str | None


@router.get("/ops/v1/audit", summary="Audit trail entries, filtered, in order (cursor pagination)", auth="ops",
            roles=AUDIT_READERS, query=AuditPageQuery, response=AuditPage,
            response_example={"items": [_ENTRY], "next_cursor": "41"})
async def list_audit(request: web.Request, call: Call) -> web.Response:
    q: AuditPageQuery = call.query
    async with request.app[DB].read() as conn:
        items, cursor = await query.page(conn, q.filters(), after=int(q.cursor or 0), limit=q.limit)
    return json_response({"items": items, "next_cursor": str(cursor) if cursor is not None else None})


@router.get("/ops/v1/audit/verify", summary="Check the hash chain; names the first bad entry", auth="ops",
            roles=AUDIT_READERS, response=VerifyOut,
            response_example={"ok": False, "checked": 40, "first_bad_seq": 41,
                              "problem": "entry 41 was altered (its hash does not match)"})
async def verify_audit(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        result = await verify(conn)
    return json_response({"ok": result.ok, "checked": result.checked, "first_bad_seq": result.first_bad_seq,
                          "problem": result.problem})


@router.get("/ops/v1/audit/export", summary="Export the trail as JSON Lines or CSV (streamed)", auth="ops",
            roles=AUDIT_READERS, query=AuditExportQuery, response_media_type="application/x-ndjson",
            description="Entries up to the head at the start of the export, read in chunks. Times are UTC with "
                        "microseconds and CSV `detail` is the stored canonical JSON, so each entry's hash can be "
                        "recomputed from the export. The export itself is recorded in the trail.")
async def export_audit(request: web.Request, call: Call) -> web.StreamResponse:
    q: AuditExportQuery = call.query
    db = request.app[DB]
    filters = q.filters()
    async with db.write() as conn:
        await record(conn, Event(actor(call), "audit.exported", "audit_log", "-", None,
                                 {"format": q.format, "filters": _shown(q)}))
    resp = web.StreamResponse(headers={"Content-Type": "text/csv; charset=utf-8" if q.format == "csv"
                                       else "application/x-ndjson"})
    await resp.prepare(request)
    buf = [formats.header(q.format)]
    async for entry in query.export(db.read, filters):
        buf.append(formats.render(entry, q.format))
        if len(buf) >= 500:
            await resp.write("".join(buf).encode())
            buf = []
    await resp.write("".join(buf).encode())
    await resp.write_eof()
    return resp


def _shown(q: AuditQuery) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v)
            for k, v in q.model_dump(exclude_none=True, include=_FILTER_FIELDS).items()}

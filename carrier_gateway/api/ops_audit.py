"""Ops API: the audit trail for auditors and the regulator (read, verify, export)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, Field, RootModel

from carrier_gateway.api.ops_enterprises import actor
from carrier_gateway.appkeys import DB
from carrier_gateway.jsonio import CSV, NDJSON, json_response
from carrier_gateway.routing import Call, Router
from carrier_gateway.streams import open_stream
from provisioning import trailers, when
from provisioning.audit import formats, query
from provisioning.audit.trail import GENESIS, Event, canonical, entry_hash, record, verify
from provisioning.inputs import Input, RowId
from provisioning.when import Since, Until

router = Router("ops: audit")
AUDIT_READERS = {"auditor", "regulator"}


def _entry(seq: int, prev: str, at: str, actor: str, action: str, object_type: str, object_id: str,
           enterprise_id: int | None, detail: dict[str, Any]) -> dict[str, Any]:
    """An example entry whose hash is the one the trail would compute (so the examples verify)."""
    when = dt.datetime.fromisoformat(at)
    digest = entry_hash(prev, seq, when, actor, action, object_type, object_id, enterprise_id, canonical(detail))
    return {"seq": seq, "at": when.astimezone(dt.UTC).isoformat(timespec="microseconds"), "actor": actor,
            "action": action, "object_type": object_type, "object_id": object_id, "enterprise_id": enterprise_id,
            "detail": detail, "prev_hash": prev, "hash": digest}


_ENTRY = _entry(41, "5a1d0f3c9e7b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f", "2026-11-28T08:00:00.123456Z",
                "ops:3", "personal_data.read", "registration", "r1a1f6f12040ab885d22d7", 1,
                {"purpose": "complaint 2026-118 from the subscriber", "fields": ["subject"], "via": "api"})
_CREATED = _entry(1, GENESIS, "2026-11-28T08:00:00.104183Z", "ops:1", "enterprise.created", "enterprise", "1", 1,
                  {"apn": "iov-e1.carrier", "authorized_by": None, "kind": "OEM", "uscc": "91350100M000100Y43"})
_DESTINATION = _entry(2, _CREATED["hash"], "2026-11-28T08:00:05.482113Z", "ops:1", "destination.added",
                      "enterprise", "1", 1, {"kind": "PLATFORM_PREFIX", "value": "203.0.113.0/24"})
_KEY = _entry(3, _DESTINATION["hash"], "2026-11-28T08:01:12.009871Z", "ops:1", "key.created", "api_key",
              "ak_5f0c8e2a9b7d41c3e6f2", 1, {"label": "TSP production"})
EXPORT_EXAMPLE = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n"
                         for e in (_CREATED, _DESTINATION, _KEY)) + trailers.jsonl(count=3, head_seq=3,
                                                                                   head_hash=_KEY["hash"])


class AuditQuery(Input):
    actor: str | None = Field(default=None, max_length=120)
    action: str | None = Field(default=None, max_length=80, description="exact, or a prefix ending in '.'")
    object_type: str | None = Field(default=None, max_length=40)
    object_id: str | None = Field(default=None, max_length=80)
    enterprise_id: RowId | None = None
    since: Since | None = Field(default=None, alias="from", description="entries at or after this time (a date: "
                                "from the start of that day, China time)")
    until: Until | None = Field(default=None, alias="to", description="entries before this time (a date: through "
                                "the end of that day, China time)")

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


class HeadCount(BaseModel):
    count: int = Field(description="entries before this line")
    head_seq: int = Field(description="the chain's last entry when the export began")
    head_hash: str = Field(description="that entry's hash")


class ExportTrailer(BaseModel):
    """The last line of an export (CSV: `# count=N head_seq=S head_hash=H`)."""

    trailer: HeadCount


class AuditExportLine(RootModel[AuditEntry | ExportTrailer]):
    """A line of a JSON Lines export: an entry, or the trailer that ends the export."""


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
            description=f"`from` (at or after) and `to` (before) each take {when.READING}; a date `to` includes "
                        "that day.",
            response_example={"items": [_ENTRY], "next_cursor": "41"})
async def list_audit(request: web.Request, call: Call) -> web.Response:
    q: AuditPageQuery = call.query
    async with request.app[DB].read() as conn:
        page = await query.page(conn, q.filters(), cursor=int(q.cursor) if q.cursor else None, limit=q.limit)
    return json_response(page.to_dict())


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
            roles=AUDIT_READERS, query=AuditExportQuery, response=AuditExportLine,
            response_media_type=NDJSON, other_media_types=(CSV,), response_example=EXPORT_EXAMPLE,
            description="Entries up to the head at the start of the export, read in chunks. Times are UTC with "
                        "microseconds and CSV `detail` is the stored canonical JSON, so each entry's hash can be "
                        "recomputed from the export. `format=csv` answers text/csv: a header line, then the same "
                        "fields per entry. The last line is a trailer: `{\"trailer\": {\"count\": N, "
                        "\"head_seq\": S, \"head_hash\": H}}` (CSV: `# count=N head_seq=S head_hash=H`), the "
                        "number of entries and the chain's head when the export began; an export without it, or "
                        "with another count, was cut short. A failure after the first byte closes the connection "
                        "before the end of the chunked body, so the transfer shows as broken. `from` and `to` "
                        f"take {when.READING}. The export itself is recorded in the trail.")
async def export_audit(request: web.Request, call: Call) -> web.StreamResponse:
    q: AuditExportQuery = call.query
    db = request.app[DB]
    async with db.write() as conn:
        await record(conn, Event(actor(call), "audit.exported", "audit_log", "-", None,
                                 {"format": q.format, "filters": _shown(q)}))
    resp = await open_stream(request, f"{CSV}; charset=utf-8" if q.format == "csv" else NDJSON)
    buf: list[str] = []
    async for text in formats.Export(db.read, q.filters(), q.format).lines():
        buf.append(text)
        if len(buf) >= 500:
            await resp.write("".join(buf).encode())
            buf = []
    await resp.write("".join(buf).encode())
    await resp.write_eof()
    return resp


def _shown(q: AuditQuery) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v)
            for k, v in q.model_dump(exclude_none=True, include=_FILTER_FIELDS).items()}

"""Schemas and examples of back-registration jobs (OEM /v1/jobs and ops /ops/v1/jobs)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Literal

from pydantic import BaseModel, Field, RootModel

from carrier_gateway.api.oem_models import ReasonOut
from provisioning.inputs import MAX_INT32, Input, RowId
from provisioning.registrations.records import EXAMPLE

JobStatus = Literal["RECEIVING", "RECEIVED", "INGESTING", "VERIFYING", "COMPLETED", "ABANDONED"]
StoredStatus = Literal["RECEIVING", "RECEIVED", "INGESTING", "INGESTED", "COMPLETED", "ABANDONED"]


class JobAccepted(BaseModel):
    job_id: str
    status: Literal["RECEIVED"]
    lines_received: int = Field(description="non-blank lines (records) stored")
    bytes: int
    sha256: str = Field(description="SHA-256 of the body as received")


class RegistrationCounts(BaseModel):
    PENDING: int
    VERIFIED: int
    REJECTED: int
    SUPERSEDED: int


class JobOut(BaseModel):
    job_id: str
    status: JobStatus = Field(description="RECEIVED, INGESTING, VERIFYING (every line ingested, some registrations "
                                          "PENDING) or COMPLETED (every line has a final outcome)")
    enterprise_id: int
    actor: str
    bytes: int
    sha256: str | None
    lines_received: int
    last_line: int = Field(description="the last physical line number of the file")
    lines_ingested: int
    lines_invalid: int
    errors_dropped: int = Field(description="invalid lines past the per-job cap on kept errors: counted here, "
                                            "absent from the results")
    registrations_created: int = Field(description="lines whose registration this job created; the other valid "
                                                   "lines found an identical record accepted before")
    chunks: int
    chunks_done: int
    chunks_failed: int = Field(description="parts of the file given up after repeated failures; their lines have "
                                           "NOT_INGESTED results")
    failure: str | None = Field(description="why the last part given up failed (null when none was)")
    registrations: RegistrationCounts = Field(
        description="ingested valid lines by their registration's outcome, counted as verification decides "
                    "(a registration superseded after it was counted stays VERIFIED here; results show the "
                    "current status)")
    created_at: dt.datetime
    received_at: dt.datetime | None
    ingested_at: dt.datetime | None


class JobResultLine(BaseModel):
    """One line of the results (JSON Lines): a stored line has its registration's id,
    status and reasons; an invalid line has status REJECTED, no registration, and errors."""

    line: int
    registration_id: str | None
    status: Literal["PENDING", "VERIFIED", "REJECTED", "SUPERSEDED"] | None
    reasons: list[ReasonOut] | None = None
    errors: list[ReasonOut] | None = None


class Count(BaseModel):
    count: int = Field(description="data lines before this one")


class ResultsTrailer(BaseModel):
    """The last line of the results: how many result lines came before it."""

    trailer: Count


class JobResultsLine(RootModel[JobResultLine | ResultsTrailer]):
    """A line of the results stream: a result, or the trailer that ends the stream."""


class ResultsQuery(Input):
    after: int = Field(default=0, ge=0, le=MAX_INT32,
                       description="only lines after this line number (to resume a download)")


class JobSummary(BaseModel):
    job_id: str
    status: StoredStatus
    enterprise_id: int
    actor: str
    bytes: int
    sha256: str | None
    lines_received: int
    last_line: int
    lines_ingested: int
    lines_invalid: int
    errors_dropped: int
    registrations_created: int
    chunks: int
    chunks_done: int
    chunks_failed: int
    failure: str | None
    registrations: RegistrationCounts
    created_at: dt.datetime
    received_at: dt.datetime | None
    ingested_at: dt.datetime | None


class JobList(BaseModel):
    items: list[JobSummary]
    next_cursor: str | None


class JobListQuery(Input):
    enterprise_id: RowId | None = None
    status: StoredStatus | None = None
    cursor: str | None = Field(default=None, max_length=40, description="next_cursor of the previous page")
    limit: int = Field(default=100, ge=1, le=500)


#: a back-registration file: a good line, one whose document has expired, one with a mistyped stage
_LINE = {**EXAMPLE, "stage": "BACKFILL", "sold_at": "2021-06-15",
         "oem_verification": {"method": "ONLINE_IDENTITY_CHECK", "verified_at": "2026-11-25T14:30:00+08:00"}}
_EXPIRED = {**_LINE, "iccid": "89860400000000000023", "vin": "LSVAU2189N2123457", "imei": "356938035643817",
            "subject": {**EXAMPLE["subject"], "id_expires": "2020-01-01"}}
_TYPO = {**_LINE, "iccid": "89860400000000000031", "vin": "LSVAU2186N2123464", "imei": "356938035643825",
         "stage": "BACK_FILL"}
UPLOAD_EXAMPLE = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (_LINE, _EXPIRED, _TYPO))
_SHA256 = hashlib.sha256(UPLOAD_EXAMPLE.encode()).hexdigest()
_BYTES = len(UPLOAD_EXAMPLE.encode())
_JOB_ID = "j1a2212b1000884f079996"
ACCEPTED_EXAMPLE = {"job_id": _JOB_ID, "status": "RECEIVED", "lines_received": 3, "bytes": _BYTES, "sha256": _SHA256}
_SUMMARY = {"job_id": _JOB_ID, "status": "COMPLETED", "enterprise_id": 1, "actor": "oem:ak_5f0c8e2a9b7d41c3e6f2",
            "bytes": _BYTES, "sha256": _SHA256, "lines_received": 3, "last_line": 3, "lines_ingested": 3,
            "lines_invalid": 1, "errors_dropped": 0, "registrations_created": 2, "chunks": 1, "chunks_done": 1,
            "chunks_failed": 0, "failure": None,
            "created_at": "2026-11-28T08:00:00Z", "received_at": "2026-11-28T08:00:00Z",
            "ingested_at": "2026-11-28T08:00:01Z",
            "registrations": {"PENDING": 0, "VERIFIED": 1, "REJECTED": 1, "SUPERSEDED": 0}}
JOB_EXAMPLE = _SUMMARY
LIST_EXAMPLE = {"items": [_SUMMARY], "next_cursor": None}
RESULTS_EXAMPLE = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in (
    {"line": 1, "registration_id": "r1a2212b11f4dff1c540c8", "status": "VERIFIED", "reasons": []},
    {"line": 2, "registration_id": "r1a2212b11fe6b826414a2", "status": "REJECTED",
     "reasons": [{"code": "ID_EXPIRED", "field": "subject.id_expires",
                  "message": "the document expired on 2020-01-01"}]},
    {"line": 3, "registration_id": None, "status": "REJECTED",
     "errors": [{"code": "SCHEMA_INVALID", "field": "stage",
                 "message": "Input should be 'AT_SALE', 'BACKFILL' or 'OWNER_CHANGE'"}]},
    {"trailer": {"count": 3}},
))

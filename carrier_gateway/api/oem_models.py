"""Request and response schemas of the OEM API (/v1)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from carrier_gateway.api.card_models import CardSummary
from provisioning.registrations.records import EXAMPLE

MAX_BATCH = 1000


class ReasonOut(BaseModel):
    code: str
    field: str | None
    message: str


class Accepted(BaseModel):
    registration_id: str
    status: Literal["PENDING"]


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: each record is validated on its own, so one bad record fails alone
    records: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH)


class BatchItem(BaseModel):
    index: int
    registration_id: str | None
    status: Literal["PENDING", "REJECTED"]
    errors: list[ReasonOut]


class BatchOut(BaseModel):
    results: list[BatchItem]


class RegistrationOut(BaseModel):
    registration_id: str
    status: Literal["PENDING", "VERIFIED", "REJECTED", "SUPERSEDED"]
    stage: str
    iccid: str | None
    card_ref: str
    reasons: list[ReasonOut]
    subject: dict[str, Any]
    vin: str
    received_at: dt.datetime
    decided_at: dt.datetime | None
    attempts: int


CardOut = CardSummary


class CardPage(BaseModel):
    items: list[CardOut]
    next_cursor: str | None


class CardQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["INVENTORY", "TEST", "PENDING", "ACTIVE", "SUSPENDED", "TERMINATED"] | None = None
    cursor: str | None = Field(default=None, max_length=40)
    limit: int = Field(default=100, ge=1, le=500)


REGISTRATION_EXAMPLE = EXAMPLE
REGISTRATION_OUT_EXAMPLE = {
    "registration_id": "r0193a1b2c3d4e5f6a7b8c9", "status": "REJECTED", "stage": "AT_SALE",
    "iccid": "89860012345678901236", "card_ref": "89860012345678901236",
    "reasons": [{"code": "ID_EXPIRED", "field": "subject.id_expires", "message": "the document expired on 2020-01-01"}],
    "subject": {"type": "INDIVIDUAL", "name": "张*", "id_type": "RESIDENT_ID", "id_number": "110105********002X",
                "id_expires": "2020-01-01", "phone": "138****8000"},
    "vin": "LSVAU2187N2123456", "received_at": "2026-11-20T02:00:00Z", "decided_at": "2026-11-20T02:00:00Z",
    "attempts": 1,
}
CARD_EXAMPLE = {
    "iccid": "89860012345678901236", "imsi": "460001234567890", "msisdn": "1440012345678", "static_ip": None,
    "usage": "TBOX", "state": "ACTIVE", "real_name_status": "VERIFIED",
    "services": {"data": {"allowed": True, "scope": "PLATFORMS"}, "sms": {"allowed": True,
                 "scope": "MT_SHORT_CODES"}, "voice": {"allowed": False}},
}

"""Request and response schemas of the OEM API (/v1)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
    field_validator,
)

from carrier_gateway.api.card_models import CardSummary
from provisioning.inputs import Input, check_storable
from provisioning.registrations.records import EXAMPLE, RegistrationRecord

MAX_BATCH = 1000


class ReasonOut(BaseModel):
    code: str
    field: str | None
    message: str


class Accepted(BaseModel):
    registration_id: str
    status: Literal["PENDING"]


class RecordRejected:
    """A batch record that does not match the record schema: its errors, for its result
    (the batch goes on without it)."""

    __slots__ = ("errors",)

    def __init__(self, errors: ValidationError) -> None:
        self.errors = errors


def _alone(value: Any, handler: ValidatorFunctionWrapHandler) -> RegistrationRecord | RecordRejected:
    if not isinstance(value, dict):  # not an object: the batch itself is malformed
        raise ValueError("a record is a JSON object")
    try:
        return handler(value)  # type: ignore[no-any-return]
    except ValidationError as exc:
        return RecordRejected(exc)


#: a batch record: validated as a RegistrationRecord straight from the body's JSON, its
#: errors kept as its result instead of failing the batch (documented as any object: a
#: record that does not match is answered REJECTED, not refused with the batch)
BatchRecord = Annotated[RegistrationRecord, WrapValidator(_alone),
                        WithJsonSchema({"type": "object", "additionalProperties": True})]


class BatchIn(Input):
    #: each record is validated on its own, so one bad record fails alone
    records: list[BatchRecord] = Field(min_length=1, max_length=MAX_BATCH)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any, info: ValidationInfo) -> Any:
        # a record is an Input of its own (RegistrationRecord): a NUL in one rejects that record, not the batch
        return value if info.field_name == "records" else check_storable(value)

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> BatchIn:
        """As pydantic's, with a fast path for the common batch, every record valid: the
        body is first validated straight from its JSON as a list of RegistrationRecords
        (_AllValid, the same constraints). Keeping each record's errors apart
        (``BatchRecord``'s wrap validator) needs each record as a Python dict first,
        ~5 us a record more; only a body that fails the fast path pays it, and its answer
        is exactly the per-record one."""
        try:
            valid = _AllValid.model_validate_json(json_data, **kwargs)
        except ValidationError:
            return super().model_validate_json(json_data, **kwargs)
        return cls.model_construct(records=valid.records)


class _AllValid(Input):
    """BatchIn when every record is valid (BatchIn.model_validate_json's fast path)."""

    records: list[RegistrationRecord] = Field(min_length=1, max_length=MAX_BATCH)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return value  # every record checks its own fields (RegistrationRecord)


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


class CardQuery(Input):
    state: Literal["INVENTORY", "TEST", "PENDING", "ACTIVE", "SUSPENDED", "TERMINATED"] | None = None
    cursor: str | None = Field(default=None, max_length=40)
    limit: int = Field(default=100, ge=1, le=500)


REGISTRATION_EXAMPLE = EXAMPLE
#: two records for two cars; the second lacks the subject's id_type and fails alone
BATCH_EXAMPLE = {"records": [EXAMPLE, {
    **EXAMPLE, "iccid": "89860400000000000023", "vin": "LSVAU2189N2123457", "imei": "356938035643817",
    "subject": {k: v for k, v in EXAMPLE["subject"].items() if k != "id_type"}}]}
BATCH_OUT_EXAMPLE = {"results": [
    {"index": 0, "registration_id": "r1a1f6ae99006eb6ad33e6", "status": "PENDING", "errors": []},
    {"index": 1, "registration_id": None, "status": "REJECTED", "errors": [{
        "code": "SCHEMA_INVALID", "field": "subject", "message": "Value error, an INDIVIDUAL subject needs id_type"}]}]}
#: a registration rejected because the holder's document had expired
REGISTRATION_OUT_EXAMPLE = {
    "registration_id": "r1a1f6f12040ab885d22d7", "status": "REJECTED", "stage": "AT_SALE",
    "iccid": "89860400000000000023", "card_ref": "89860400000000000023",
    "reasons": [{"code": "ID_EXPIRED", "field": "subject.id_expires", "message": "the document expired on 2020-01-01"}],
    "subject": {"type": "INDIVIDUAL", "name": "张*", "id_type": "RESIDENT_ID", "id_number": "110105********002X",
                "id_expires": "2020-01-01", "address": "北京市****", "phone": "138****8000"},
    "vin": "LSVAU2189N2123457", "received_at": "2026-11-20T03:12:40Z", "decided_at": "2026-11-20T03:12:41Z",
    "attempts": 1,
}
CARD_EXAMPLE = {
    "iccid": "89860400000000000015", "imsi": "460040000000001", "msisdn": "1440000000000", "static_ip": None,
    "usage": "TBOX", "state": "ACTIVE", "real_name_status": "VERIFIED",
    "services": {"data": {"allowed": True, "scope": "PLATFORMS"}, "sms": {"allowed": True,
                 "scope": "MT_SHORT_CODES"}, "voice": {"allowed": False, "scope": "NONE"}},
}

"""OEM API: real-name registration pushes (single and batch) and their results."""

from __future__ import annotations

import re

from aiohttp import web

from carrier_gateway.api.oem_models import (
    BATCH_EXAMPLE,
    BATCH_OUT_EXAMPLE,
    MAX_BATCH,
    REGISTRATION_EXAMPLE,
    REGISTRATION_OUT_EXAMPLE,
    Accepted,
    BatchIn,
    BatchOut,
    RecordRejected,
    RegistrationOut,
)
from carrier_gateway.appkeys import DB, HANDOFF, KEYRING
from carrier_gateway.background import VERIFY, WORKERS
from carrier_gateway.jsonio import json_response
from carrier_gateway.oem import ACCEPTOR
from carrier_gateway.problems import validation_errors
from carrier_gateway.routing import Call, Router, SchemaInvalid
from numbering.errors import DomainError
from provisioning.registrations.accept import Incoming
from provisioning.registrations.intake import accept_and_record
from provisioning.registrations.records import RegistrationRecord
from provisioning.registrations.status import RegistrationStatus
from provisioning.registrations.views import registration_view

router = Router("OEM: registrations")
_IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,128}$")


def _enterprise(call: Call) -> int:
    assert call.principal is not None and call.principal.enterprise_id is not None
    return call.principal.enterprise_id


@router.post(
    "/v1/registrations", summary="Push one real-name registration", auth="oem", body=RegistrationRecord,
    response=Accepted, status=202, errors=(409, 429), request_example=REGISTRATION_EXAMPLE, confirms_in_commit=True,
    response_example={"registration_id": "r1a1f6ae99006eb6ad33e6", "status": "PENDING"},
    description="The record is stored (PENDING) before the answer; verification follows in the background "
                "(poll GET /v1/registrations/{id} or receive the webhook). With an `Idempotency-Key` header "
                "(1-128 printable characters) a repeat returns the first answer with `Idempotent-Replayed: true`; "
                "the same key with a different body is a 409. Without one, an identical record pushed again "
                "also returns the first registration.",
)
async def push_registration(request: web.Request, call: Call) -> web.Response:
    key = request.headers.get("Idempotency-Key")
    if key is not None and not _IDEMPOTENCY_KEY.match(key):
        raise SchemaInvalid("Idempotency-Key must be 1 to 128 printable ASCII characters")
    item = Incoming(_enterprise(call), call.body, idempotency_key=key,
                    request_hash=call.body_sha256)
    registration_id, created = await request.app[ACCEPTOR].submit((item, call.nonce))
    request.app[WORKERS].wake(VERIFY)
    headers = None if created else {"Idempotent-Replayed": "true"}
    return json_response({"registration_id": registration_id, "status": RegistrationStatus.PENDING}, status=202,
                         headers=headers)


@router.post(
    "/v1/registrations/batch", summary=f"Push up to {MAX_BATCH} registrations; each stands or falls alone",
    auth="oem", body=BatchIn, response=BatchOut, errors=(429,),
    request_example=BATCH_EXAMPLE, response_example=BATCH_OUT_EXAMPLE,
    description="Records that match the schema are stored (PENDING) in one transaction and verified in the "
                "background; a record that does not is REJECTED here with its errors and stored nowhere. A "
                "record pushed again (same content) returns its first registration id.",
)
async def push_batch(request: web.Request, call: Call) -> web.Response:
    results, items, positions = validate_batch(_enterprise(call), call.body)
    if items:
        handoff = request.app[HANDOFF]
        prepared = handoff.prepare(request.app[KEYRING], items)  # sealed before the write lock is taken
        async with request.app[DB].write() as conn:
            accepted = await accept_and_record(conn, prepared, via="batch", actor=f"oem:{call.principal.key_id}")
        handoff.give(prepared, accepted)  # committed: to this process's verifier
        for index, outcome in zip(positions, accepted, strict=True):
            if isinstance(outcome, DomainError):  # the database refused this record alone
                results[index].update(status=RegistrationStatus.REJECTED, errors=[{"field": None, **outcome.to_dict()}])
            else:
                results[index]["registration_id"] = outcome[0]
        request.app[WORKERS].wake(VERIFY)
    return json_response({"results": results})


def validate_batch(enterprise_id: int, batch: BatchIn) -> tuple[list[dict[str, object]], list[Incoming], list[int]]:
    """Each record of a batch, validated alone as the body was read (``BatchRecord``): (a
    result per record, the valid records to store, and the index of each in the batch)."""
    results: list[dict[str, object]] = []
    items: list[Incoming] = []
    positions: list[int] = []
    for index, record in enumerate(batch.records):
        if isinstance(record, RecordRejected):
            results.append({"index": index, "registration_id": None, "status": RegistrationStatus.REJECTED,
                            "errors": validation_errors(record.errors)})
            continue
        results.append({"index": index, "registration_id": None, "status": RegistrationStatus.PENDING, "errors": []})
        items.append(Incoming(enterprise_id, record))
        positions.append(index)
    return results, items, positions


@router.get("/v1/registrations/{registration_id}", summary="A registration's status, reasons and masked subject",
            auth="oem", response=RegistrationOut, errors=(404,), response_example=REGISTRATION_OUT_EXAMPLE)
async def get_registration(request: web.Request, call: Call) -> web.Response:
    async with request.app[DB].read() as conn:
        view = await registration_view(conn, request.app[KEYRING], request.match_info["registration_id"],
                                       enterprise_id=_enterprise(call))
    return json_response(view)

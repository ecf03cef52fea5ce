"""BatchIn.model_validate_json validates an all-valid batch straight from its JSON (one
list of RegistrationRecords) and only a batch that fails that goes record by record:
the two ways must give the same records, and a failing batch the per-record answer."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from carrier_gateway.api.oem_models import MAX_BATCH, BatchIn, RecordRejected
from provisioning.registrations.records import EXAMPLE, RegistrationRecord


def record_by_record(body: bytes) -> BatchIn:
    """pydantic's own BatchIn validation (every record through BatchRecord's wrap)."""
    return BaseModel.model_validate_json.__func__(BatchIn, body)  # type: ignore[attr-defined,no-any-return]


def _varied(n: int) -> dict[str, Any]:
    """Valid records whose text needs normalising (full-width digits, spaces, an MSISDN)."""
    out = []
    for i in range(n):
        record = copy.deepcopy(EXAMPLE)
        record["vin"] = f" lsvau2187n21234{i % 10} "
        record["subject"]["id_number"] = "１１０１０５１９４９１２３１００２ｘ"
        record["subject"]["name"] = "张  三" if i % 2 else "张三"
        if i % 3 == 0:
            record.pop("iccid")
            record["msisdn"] = "1440000000000"
        out.append(record)
    return {"records": out}


def test_an_all_valid_batch_gives_the_records_the_per_record_way_gives() -> None:
    body = json.dumps(_varied(12), ensure_ascii=False).encode()
    fast, slow = BatchIn.model_validate_json(body), record_by_record(body)
    assert all(isinstance(r, RegistrationRecord) for r in fast.records)
    assert [r.model_dump() for r in fast.records] == [r.model_dump() for r in slow.records]  # type: ignore[union-attr]
    assert fast.records[0].vin == "lsvau2187n212340" and fast.records[0].subject.id_number == "11010519491231002x"


@pytest.mark.parametrize("bad", ["\u0000", 5, None])
def test_one_bad_record_fails_alone(bad: object) -> None:
    batch = _varied(3)
    batch["records"][1]["vin"] = bad
    body = json.dumps(batch).encode()
    parsed = BatchIn.model_validate_json(body)
    kinds = [type(r) for r in parsed.records]
    assert kinds == [RegistrationRecord, RecordRejected, RegistrationRecord]
    rejected = parsed.records[1]
    assert isinstance(rejected, RecordRejected) and rejected.errors.errors()[0]["loc"] == ("vin",)
    assert [type(r) for r in record_by_record(body).records] == kinds


@pytest.mark.parametrize("body", [{"records": []}, {"records": [EXAMPLE] * (MAX_BATCH + 1)},
                                  {"records": [EXAMPLE], "extra": 1}, {"records": [EXAMPLE, "not an object"]},
                                  {"records": {"0": EXAMPLE}}])
def test_a_malformed_batch_is_refused_as_before(body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    with pytest.raises(ValidationError) as fast:
        BatchIn.model_validate_json(raw)
    with pytest.raises(ValidationError) as slow:
        record_by_record(raw)
    assert fast.value.errors(include_context=False) == slow.value.errors(include_context=False)
    assert fast.value.title == "BatchIn"

"""RegistrationRecord.dump_json cuts the subject's JSON out of the record's (one
serialisation at acceptance instead of two): the cut must equal the subject's own
serialisation for any text the fields may hold, quotes and the keys' own spellings
included, or sealed subjects would differ from what the verifier opens."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from provisioning.registrations.records import EXAMPLE, RegistrationRecord

PERSON = {"name": "李四", "id_type": "RESIDENT_ID", "id_number": "11010519491231002X", "phone": "13800138000"}
#: text that looks like the keys the cut searches for, quoted and escaped every way
TRICKY = st.sampled_from([',"subject":', ',"oem_verification":', '","subject":{"', '\\",\\"subject\\":',
                          '"}', "\\", "\n", "张三", "'"])
TEXT = st.lists(st.one_of(TRICKY, st.text(min_size=1, max_size=8)), min_size=1, max_size=4).map("".join)


def _record(subject: dict[str, Any], **top: Any) -> RegistrationRecord:
    record = {**copy.deepcopy(EXAMPLE), **top, "subject": subject}
    try:
        return RegistrationRecord.model_validate(record)
    except ValidationError:  # text the schema refuses (a NUL, too long once normalised...): nothing to cut
        assume(False)
        raise


def _check(record: RegistrationRecord) -> None:
    whole, subject = record.dump_json()
    assert whole == record.model_dump_json()
    assert subject == record.subject.model_dump_json()
    assert json.loads(subject) == json.loads(whole)["subject"]


@settings(max_examples=300, deadline=None)
@given(name=TEXT, address=TEXT, vin=TEXT, imei=TEXT, agent_name=TEXT,
       phone=st.sampled_from(["13800138000", "+86 10 1234"]))
def test_the_subject_cut_from_the_record_is_the_subjects_own_json(name: str, address: str, vin: str, imei: str,
                                                                   agent_name: str, phone: str) -> None:
    person = {**EXAMPLE["subject"], "name": name, "address": address, "phone": phone}
    _check(_record(person, vin=vin[:17], imei=imei[:20]))
    organisation = {"type": "ORGANIZATION", "name": name, "uscc": "91350100M000100Y43",
                    "agent": {**PERSON, "name": agent_name}, "address": address}
    _check(_record(organisation, vin=vin[:17], imei=None))


def test_a_record_by_msisdn_cuts_the_same_way() -> None:
    record = {**copy.deepcopy(EXAMPLE), "msisdn": "1440000000000"}
    record.pop("iccid")
    _check(RegistrationRecord.model_validate(record))

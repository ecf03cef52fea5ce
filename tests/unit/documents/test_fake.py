"""Generators in provisioning.documents.fake / fake_names: valid, varied, reproducible."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from types import ModuleType

import pytest
from stdnum.exceptions import InvalidChecksum

from provisioning.documents import (
    SUPPORTED_ID_TYPES,
    birth_date_of,
    fake,
    fake_names,
    imei,
    resident_id,
    uscc,
    validate_document,
    vin,
)
from provisioning.documents.names import validate_person_name
from provisioning.documents.org_names import validate_organization_name

TODAY = datetime.date(2026, 6, 1)
SEEDS = range(200)


@pytest.mark.parametrize("id_type", SUPPORTED_ID_TYPES)
def test_document_makes_valid_numbers_for_every_type(id_type: str) -> None:
    numbers = [fake.document(random.Random(seed), id_type) for seed in SEEDS]
    assert all(validate_document(id_type, n, today=TODAY) == n for n in numbers)
    assert len(set(numbers)) > 150  # varied, not one constant


def test_same_seed_same_values() -> None:
    def batch(seed: int) -> list[str]:
        rng = random.Random(seed)
        return [fake.resident_id(rng), fake.uscc(rng), fake.vin(rng), fake.imei(rng), fake_names.chinese_name(rng)]

    assert batch(42) == batch(42)
    assert batch(42) != batch(43)


def test_resident_id_respects_the_birth_range() -> None:
    low, high = datetime.date(2008, 1, 1), datetime.date(2012, 12, 31)
    for seed in SEEDS:
        number = fake.resident_id(random.Random(seed), born_from=low, born_to=high)
        born = birth_date_of("RESIDENT_ID", number, today=TODAY)
        assert born is not None and low <= born <= high


def test_uscc_covers_authorities_a_n_y_and_9() -> None:
    codes = [fake.uscc(random.Random(seed)) for seed in SEEDS]
    assert all(uscc.is_valid(code) for code in codes)
    assert {code[0] for code in codes} >= {"9", "A", "N", "Y"}


def test_vin_and_imei_valid() -> None:
    assert all(vin.is_valid(fake.vin(random.Random(seed))) for seed in SEEDS)
    assert all(imei.is_valid(fake.imei(random.Random(seed))) for seed in SEEDS)


def test_names_valid_and_minority_names_present() -> None:
    chinese = [fake_names.chinese_name(random.Random(seed), minority_share=0.3) for seed in SEEDS]
    assert all(validate_person_name(name) == name for name in chinese)
    assert any("·" in name for name in chinese) and any("·" not in name for name in chinese)
    latin = [fake_names.latin_name(random.Random(seed)) for seed in SEEDS]
    assert all(validate_person_name(name) == name for name in latin)
    orgs = [fake_names.organization_name(random.Random(seed)) for seed in SEEDS]
    assert all(validate_organization_name(name) == name for name in orgs)


@pytest.mark.parametrize(
    ("kind", "make", "module"),
    [("resident_id", fake.resident_id, resident_id), ("uscc", fake.uscc, uscc), ("vin", fake.vin, vin),
     ("imei", fake.imei, imei)],
)  # fmt: skip
def test_corrupt_check_breaks_only_the_checksum(
    kind: str, make: Callable[[random.Random], str], module: ModuleType
) -> None:
    for seed in range(50):
        good = make(random.Random(seed))
        bad = fake.corrupt_check(kind, good)
        assert len(bad) == len(good) and sum(a != b for a, b in zip(good, bad, strict=True)) == 1
        with pytest.raises(InvalidChecksum):
            module.validate(bad)


def test_future_and_first_generation_ids_are_refused() -> None:
    for seed in range(50):
        future = fake.future_resident_id(random.Random(seed), TODAY)
        assert resident_id.is_valid(future, today=TODAY + datetime.timedelta(days=3650))
        assert not resident_id.is_valid(future, today=TODAY)
        old = fake.first_generation_id(random.Random(seed))
        assert len(old) == 15 and old.isdigit() and not resident_id.is_valid(old, today=TODAY)

"""Both backends answer alike, and never with a 5xx, whatever a pushed record holds.

Hypothesis builds records at the schema's limits -- the longest values each field
allows and one character more, characters from every Unicode plane, NUL, unpaired
surrogates (sent as JSON escapes), bidi controls, huge numbers where text belongs --
and pushes each, signed, to the same service on SQLite and on PostgreSQL (when
CARRIER_TEST_POSTGRES_URL is set). The answers must be identical: status, problem code
and the fields the errors name. The lengths the schema allows are the columns' (checked
field by field below).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import copy
import json
import os
import random
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carrier_gateway.client import ApiError, OemClient
from carrier_gateway.db import Database
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.records import STORED_FIELDS, RegistrationRecord
from provisioning.registrations.tables import registrations
from tests.conftest import POSTGRES_ENV
from tests.support import pg
from tests.support.http import app_client
from tests.support.world import Oem, build_oem, individual

#: text fields of the record and its subject, by path
TEXT_FIELDS = ["iccid", "msisdn", "vin", "imei", "subject.name", "subject.id_type", "subject.id_number",
               "subject.address", "subject.phone", "stage", "oem_verification.method"]
ODD = ["\x00", "\ud800", "\udfff", "\u202e", "\U0010ffff", "\U0001f697", "\ufeff", "𠀀", "Ａ", "\uf900", "·", "•"]


def _field_limit(path: str) -> int | None:
    model: Any = RegistrationRecord
    *parents, name = path.split(".")
    for part in parents:
        model = model.model_fields[part].annotation
        model = next((a for a in getattr(model, "__args__", (model,)) if hasattr(a, "model_fields")), model)
    for meta in model.model_fields[name].metadata:
        if getattr(meta, "max_length", None) is not None:
            return int(meta.max_length)
    return None


@pytest.mark.parametrize("path", sorted(STORED_FIELDS))
def test_each_stored_field_fits_its_column(path: str) -> None:
    column = registrations.c[STORED_FIELDS[path]]
    length = getattr(column.type, "length", None)
    limit = _field_limit(path)
    if limit is None:  # a closed set of values (a Literal): the longest must fit
        model: Any = RegistrationRecord
        for part in path.split(".")[:-1]:
            model = model.model_fields[part].annotation
        choices = getattr(model.model_fields[path.split(".")[-1]].annotation, "__args__", ())
        limit = max(len(c) for c in choices)
    assert length is not None and limit <= length, f"{path} allows {limit} characters, {column} holds {length}"


def _set(record: dict[str, Any], path: str, value: Any) -> None:
    *parents, name = path.split(".")
    for part in parents:
        record = record[part]
    record[name] = value


@st.composite
def odd_records(draw: st.DrawFn) -> bytes:
    record = copy.deepcopy(_BASE)
    for path in draw(st.lists(st.sampled_from(TEXT_FIELDS), min_size=1, max_size=3, unique=True)):
        limit = _field_limit(path) or 40
        value = draw(st.one_of(
            st.text(st.characters(codec=None, exclude_categories=()), min_size=limit, max_size=limit + 1),
            st.text(st.sampled_from(ODD), min_size=1, max_size=limit + 1),
            st.builds(lambda base, odd, at: base[:at] + odd + base[at:], st.just("LSVAU2187N2123456"),
                      st.sampled_from(ODD), st.integers(0, 17)),
            st.integers(min_value=-(2**70), max_value=2**70),
            st.sampled_from(["", " ", "0" * limit, "9" * (limit + 1)]),
        ))
        _set(record, path, value)
    # ensure_ascii: unpaired surrogates travel as \\udXXX escapes, as a careless client sends them
    return json.dumps(record, ensure_ascii=True).encode()


#: a valid record; acceptance checks only the shape, so it needs no particular card
_BASE = individual(random.Random(1), iccid="89860400000000000015")


async def _world(url: str, keyring: Keyring) -> Oem:
    db = Database(url)
    try:
        return await build_oem(db, keyring, cards=4)
    finally:
        await db.dispose()


@pytest.fixture
def urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[str]]:
    path = tmp_path / "carrier.db"
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    found = [f"sqlite+aiosqlite:///{path}"]
    server: pg.Server | None = None
    name = ""
    if os.environ.get(POSTGRES_ENV):
        server = request.getfixturevalue("pg_server")
        name = server.create_database(suffix=uuid.uuid4().hex[:10], template=server.template)
        found.append(server.url_for(name))
    try:
        yield found
    finally:
        if server is not None:
            server.drop_database(name)


async def _answer(client: OemClient, body: bytes) -> tuple[int, str | None, list[str | None]]:
    try:
        await client.call("POST", "/v1/registrations", body=body)
    except ApiError as exc:
        return exc.status, exc.code, sorted((e.get("field") or "") for e in exc.problem.get("errors", []))
    return 202, None, []


async def _answers(clients: list[OemClient], body: bytes) -> list[tuple[int, str | None, list[str | None]]]:
    return [await _answer(client, body) for client in clients]


@pytest.fixture
async def clients(urls: list[str], master_key: Keyring) -> AsyncIterator[list[OemClient]]:
    """One signed client per backend, each to its own service and database."""
    async with contextlib.AsyncExitStack() as stack:
        out = []
        for url in urls:
            oem = await _world(url, master_key)
            http = await stack.enter_async_context(app_client(url, workers=0, rate_limit_per_second=0))
            out.append(OemClient(str(http.make_url("")), oem.key_id, oem.secret, session=http.session))
        yield out


async def test_both_backends_give_the_same_answer_to_any_record(clients: list[OemClient]) -> None:
    loop = asyncio.get_running_loop()
    seen: list[tuple[int, str | None]] = []

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(odd_records())
    def check(body: bytes) -> None:
        future = asyncio.run_coroutine_threadsafe(_answers(clients, body), loop)
        answers = future.result(timeout=60)
        assert all(status < 500 for status, _, _ in answers), (body, answers)
        assert all(a == answers[0] for a in answers), (body, answers)
        seen.append(answers[0][:2])

    with concurrent.futures.ThreadPoolExecutor(1) as pool:  # hypothesis blocks; the apps run on this loop
        await loop.run_in_executor(pool, check)
    assert {status for status, _ in seen} >= {422}, "the generator reached the schema's limits"

"""Every operation in /openapi.json shows a realistic example of its request body (when it
has one) and of its success answer, and every example matches the schema published
beside it, so OEM engineers and ops can call the API from the document alone."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from prometheus_client.parser import text_string_to_metric_families
from stdnum import luhn

from carrier_gateway.app import create_app
from carrier_gateway.appkeys import OPENAPI
from carrier_gateway.metrics import Metrics
from carrier_gateway.settings import Settings
from provisioning.audit.offline import check_export

#: the Prometheus text and the OpenAPI document itself have no JSON example to give
NO_JSON_EXAMPLE = {"/metrics", "/openapi.json"}
NDJSON = "application/x-ndjson"
ICCID = re.compile(r"^89\d{17,18}$")
PERSONAL = ("name", "id_number", "phone", "email")

#: (where, path, part: "request" or the status, media type, schema, example)
Example = tuple[str, str, str, str, dict[str, Any], Any]


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('openapi') / 'spec.db'}"
    return create_app(Settings.load(environ={}, database_url=url))[OPENAPI]


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            yield method.upper(), path, op


def bodies(op: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(part, media type, media object) of the request and of every 2xx answer in its
    first media type: the one with the schema; the others (text/csv, text/html picked
    by a ``format`` parameter) are other renderings of it, declared as text."""
    for media, body in op.get("requestBody", {}).get("content", {}).items():
        yield "request", media, body
    for status, answer in op["responses"].items():
        if status.startswith("2"):
            for media, body in list(answer.get("content", {}).items())[:1]:
                yield status, media, body


def examples(spec: dict[str, Any]) -> Iterator[Example]:
    for method, path, op in operations(spec):
        for part, media, body in bodies(op):
            if "example" in body:
                yield f"{method} {path} {part} ({media})", path, part, media, body["schema"], body["example"]


def instances(media: str, schema: dict[str, Any], example: Any) -> list[Any]:
    """JSON Lines examples are checked line by line against the schema of one line."""
    if media == NDJSON and isinstance(example, str) and schema.get("type") != "string":
        return [json.loads(line) for line in example.splitlines() if line.strip()]
    return [example]


def validator(spec: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    """OpenAPI 3.1 schemas are JSON Schema 2020-12; their ``#/components/schemas/...``
    references resolve because the components are embedded at the root."""
    return Draft202012Validator({**schema, "components": spec["components"]},
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(spec: dict[str, Any], where: str, schema: dict[str, Any], instance: Any) -> list[str]:
    return [f"{where} at {e.json_path}: {e.message}" for e in validator(spec, schema).iter_errors(instance)]


def walk(value: Any) -> Iterator[tuple[str | None, Any, dict[str, Any] | None]]:
    """Every (key, value, containing object) in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item, value
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield None, item, None
            yield from walk(item)


def test_every_operation_documents_its_request_and_answer(spec: dict[str, Any]) -> None:
    missing = []
    for method, path, op in operations(spec):
        ok = [s for s in op["responses"] if s.startswith("2")]
        assert len(ok) == 1, f"{method} {path}: {ok}"
        if path in NO_JSON_EXAMPLE:
            continue
        if "content" not in op["responses"][ok[0]]:
            missing.append(f"{method} {path}: {ok[0]} has no content")
        missing += [f"{method} {path}: {part} ({media})" for part, media, body in bodies(op) if "example" not in body]
    assert not missing, "\n".join(missing)
    assert sum(1 for _ in examples(spec)) >= 90  # a request and an answer for most of 70 operations


def test_metrics_example_is_prometheus_text_of_our_families(spec: dict[str, Any]) -> None:
    answer = spec["paths"]["/metrics"]["get"]["responses"]["200"]["content"]["text/plain"]
    assert answer["schema"] == {"type": "string"}
    families = {f.name: f.type for f in text_string_to_metric_families(answer["example"])}
    assert families == {"carrier_http_requests": "counter", "carrier_http_request_duration_seconds": "histogram",
                        "carrier_events": "counter"}
    assert set(families) <= {m.name for m in Metrics().registry.collect()}


def test_audit_export_example_verifies_offline(spec: dict[str, Any]) -> None:
    """The export example is a real chain that ends with its trailer: a regulator's
    offline check accepts it, and refuses it cut short."""
    example = spec["paths"]["/ops/v1/audit/export"]["get"]["responses"]["200"]["content"][NDJSON]["example"]
    result = check_export(io.StringIO(example))
    assert result.ok and result.checked == 3, result
    cut = check_export(io.StringIO("".join(example.splitlines(keepends=True)[:3])))
    assert not cut.ok and "cut short" in str(cut.problem)


def test_every_example_matches_its_schema(spec: dict[str, Any]) -> None:
    failures = []
    for where, _path, _part, media, schema, example in examples(spec):
        for instance in instances(media, schema, example):
            failures += problems(spec, where, schema, instance)
    assert not failures, "\n".join(failures)


def test_examples_in_the_components_match_their_schemas(spec: dict[str, Any]) -> None:
    failures, checked = [], 0
    for name, schema in spec["components"]["schemas"].items():
        targets = [(name, {"$ref": f"#/components/schemas/{name}"}, schema.get("examples", []))]
        targets += [(f"{name}.{prop}", sub, sub.get("examples", []))
                    for prop, sub in schema.get("properties", {}).items()]
        for where, target, found in targets:
            for instance in found:
                checked += 1
                failures += problems(spec, where, target, instance)
    assert not failures, "\n".join(failures)
    assert checked >= 10


def test_examples_look_real(spec: dict[str, Any]) -> None:
    """ICCIDs carry a valid Luhn digit, lists show at least one item, and personal data in
    an answer is masked unless the endpoint is one of the audited unmasked reads."""
    failures = []
    for where, path, part, media, _schema, example in examples(spec):
        lines = media == NDJSON and isinstance(example, str)
        parsed = [json.loads(line) for line in example.splitlines() if line.strip()] if lines else example
        for key, value, holder in walk(parsed):
            if isinstance(value, str) and ICCID.match(value) and not luhn.is_valid(value):
                failures.append(f"{where}: {key}={value} fails the Luhn check")
            if key in ("items", "results") and value == []:
                failures.append(f"{where}: an empty {key} list shows nothing")
            if (part != "request" and "/unmasked" not in path and holder is not None and "id_number" in holder
                    and key in PERSONAL and isinstance(value, str) and "*" not in value):
                failures.append(f"{where}: {key}={value} is not masked")
    assert not failures, "\n".join(failures)

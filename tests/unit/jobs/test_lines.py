"""Reading JSON Lines uploads into chunks, and one line into a record or its errors."""

from __future__ import annotations

import hashlib
import io
import json

from provisioning.jobs.lines import LineReader, decode_chunk, encode_chunk, parse_line
from provisioning.registrations.records import EXAMPLE, RegistrationRecord

RECORD = json.dumps(EXAMPLE, ensure_ascii=False)


def _chunks(body: bytes, **kw: int) -> list[tuple[int, list[object], int]]:
    return [(c.first_line, c.entries, c.records) for c in LineReader(io.BytesIO(body), **kw).chunks()]


def test_lines_keep_their_physical_numbers_across_blank_lines_and_chunks() -> None:
    body = b"a\n\n  \nb\r\nc\nd"
    assert _chunks(body, max_lines=2) == [(1, ["a", ""], 1), (3, ["", "b"], 1), (5, ["c", "d"], 2)]


def test_the_reader_counts_and_hashes_every_byte() -> None:
    body = "\ufeff".encode() + b"x\n\ny\n"
    reader = LineReader(io.BytesIO(body))
    assert [c.entries for c in reader.chunks()] == [["x", "", "y"]]  # the byte-order mark is dropped
    assert (reader.bytes, reader.lines, reader.sha256) == (len(body), 3, hashlib.sha256(body).hexdigest())


def test_chunks_are_bounded_by_bytes_as_well_as_lines() -> None:
    body = b"".join(b"x" * 100 + b"\n" for _ in range(10))
    chunks = _chunks(body, max_lines=1000, max_bytes=250)
    assert [len(entries) for _, entries, _ in chunks] == [3, 3, 3, 1]


def test_an_overlong_line_becomes_a_marker_without_being_held() -> None:
    body = b"a\n" + b"y" * 5000 + b"\nb\n" + b"z" * 5000
    chunks = _chunks(body, max_line_bytes=1000)
    assert chunks == [(1, ["a", {"error": "TOO_LONG"}, "b", {"error": "TOO_LONG"}], 4)]


def test_a_line_that_is_not_utf8_becomes_a_marker() -> None:
    assert _chunks(b"\xff\xfe{}\nok\n") == [(1, [{"error": "NOT_UTF8"}, "ok"], 2)]


def test_chunks_survive_encoding() -> None:
    entries = ["张三 \"quoted\"", "", {"error": "TOO_LONG"}]
    assert decode_chunk(encode_chunk(entries)) == entries


def test_a_valid_line_is_a_record() -> None:
    assert isinstance(parse_line(RECORD), RegistrationRecord)


def test_invalid_lines_get_schema_errors_that_never_echo_the_input() -> None:
    secret = "11010519491231002X"
    cases = {
        '{"iccid": "' + secret + '", oops': (None, "not valid JSON"),
        '["' + secret + '"]': (None, "one JSON object"),
        json.dumps({**EXAMPLE, "vin": secret * 2}): ("vin", "at most 17"),
        json.dumps({**EXAMPLE, "subject": {**EXAMPLE["subject"], "id_type": None}}): ("subject", "id_type"),
    }
    for text, (field, words) in cases.items():
        errors = parse_line(text)
        assert isinstance(errors, list) and errors[0]["code"] == "SCHEMA_INVALID", text
        assert errors[0]["field"] == field and words in errors[0]["message"], errors
        assert secret not in json.dumps(errors)
    assert parse_line({"error": "TOO_LONG"})[0]["message"].startswith("the line is longer than")  # type: ignore[index]

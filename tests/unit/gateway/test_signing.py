from __future__ import annotations

import hashlib
import hmac

import pytest

from carrier_gateway.signing import NONCE_RE, sign, signature_matches_digest, signed_headers


def test_signature_is_hmac_sha256_over_the_contract_string() -> None:
    body = b'{"iccid":"89860000000000000001"}'
    message = "\n".join(["POST", "/v1/registrations?x=1", "1700000000", "abcdefghijklmnop",
                         hashlib.sha256(body).hexdigest()])
    expected = hmac.new(b"s3cret", message.encode(), hashlib.sha256).hexdigest()
    assert sign("s3cret", "post", "/v1/registrations?x=1", "1700000000", "abcdefghijklmnop", body) == expected


@pytest.mark.parametrize("change", ["method", "path", "timestamp", "nonce", "body", "secret"])
def test_any_changed_part_breaks_the_signature(change: str) -> None:
    parts = {"method": "POST", "path": "/v1/cards", "timestamp": "1700000000", "nonce": "n" * 16,
             "body": b"{}", "secret": "k"}
    sig = sign(parts["secret"], parts["method"], parts["path"], parts["timestamp"], parts["nonce"], parts["body"])
    parts[change] = b"{ }" if change == "body" else ("GET" if change == "method" else str(parts[change]) + "x")
    digest = hashlib.sha256(parts["body"]).hexdigest()
    assert not signature_matches_digest(parts["secret"], sig, parts["method"], parts["path"], parts["timestamp"],
                                        parts["nonce"], digest)


def test_signed_headers_are_complete_and_verifiable() -> None:
    headers = signed_headers("ak_1", "k", "GET", "/v1/cards?limit=5", b"", now=1700000000)
    assert headers["X-Carrier-Timestamp"] == "1700000000" and NONCE_RE.match(headers["X-Carrier-Nonce"])
    assert signature_matches_digest("k", headers["X-Carrier-Signature"].upper(), "GET", "/v1/cards?limit=5",
                                    "1700000000", headers["X-Carrier-Nonce"], hashlib.sha256(b"").hexdigest())
    assert signed_headers("ak_1", "k", "GET", "/", b"")["X-Carrier-Nonce"] != headers["X-Carrier-Nonce"]


@pytest.mark.parametrize("nonce", ["short", "x" * 65, "has space aaaaaaaaa", "ünïcödeaaaaaaaaaaa"])
def test_bad_nonces_are_rejected_by_the_pattern(nonce: str) -> None:
    assert not NONCE_RE.match(nonce)

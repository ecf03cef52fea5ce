"""One verifier of signed requests (carrier_gateway.signing): the OEM API's authentication
and both webhook receivers (the simulator's and the tests') use it and check nothing of
the signature themselves; it accepts a good request and names why it refuses any other."""

from __future__ import annotations

import ast
import inspect
import json
from pathlib import Path

import aiohttp
import pytest

from carrier_gateway import signing
from carrier_gateway.signing import SignatureRefused, signed_headers, verify_signed_request
from tests.support.receiver import PATH, receiver

ROOT = Path(__file__).resolve().parents[3]
NOW = 1_800_000_000
BODY = b'{"event":"registration.verified"}'
TRUSTED = {"ak_oem1": "secret-1"}
#: what only the verifier may use: a place using one of these checks signatures itself
INTERNALS = {"signature_matches_digest", "sign", "sign_digest", "MAX_SKEW_SECONDS", "TIMESTAMP_RE", "NONCE_RE",
             "KEY_RE", "SIGNATURE_RE", "hmac", "compare_digest"}


def _names(path: Path) -> tuple[set[str], set[str]]:
    """(names imported from carrier_gateway.signing, every name and attribute used)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree)
                if isinstance(n, ast.ImportFrom) and n.module == "carrier_gateway.signing" for a in n.names}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    used |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    used |= {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    return imported, used


@pytest.mark.parametrize(("place", "calls"), [
    ("carrier_gateway/oem_auth.py", {"read_signed_headers", "check_signature"}),  # headers first, body later
    ("carrier_gateway/simulate/receiver.py", {"verify_signed_request"}),
    ("tests/support/receiver.py", {"verify_signed_request"}),
])
def test_every_place_that_checks_a_signature_calls_the_one_verifier(place: str, calls: set[str]) -> None:
    imported, used = _names(ROOT / place)
    assert calls <= imported and calls <= used
    assert not (used & INTERNALS), f"{place} checks signatures itself: {sorted(used & INTERNALS)}"


def test_the_convenience_wrapper_is_the_two_steps_the_server_runs() -> None:
    body = ast.parse(inspect.getsource(verify_signed_request))
    called = {n.func.id for n in ast.walk(body) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"read_signed_headers", "check_signature"} <= called and "signature_matches_digest" not in called


def _headers(**kw: object) -> dict[str, str]:
    return signed_headers("ak_oem1", "secret-1", "POST", "/hooks/1?x=1", BODY, now=NOW, **kw)  # type: ignore[arg-type]


def test_a_good_request_passes_and_gives_its_headers() -> None:
    headers = _headers(nonce="n" * 20)
    signed = verify_signed_request(headers, BODY, TRUSTED, "POST", "/hooks/1?x=1", now=NOW + 299)
    assert (signed.key_id, signed.timestamp, signed.nonce) == ("ak_oem1", str(NOW), "n" * 20)


@pytest.mark.parametrize(("change", "check", "says"), [
    ({"body": BODY.replace(b"verified", b"rejected")}, signing.BAD_SIGNATURE, "signature does not match"),
    ({"path": "/hooks/1?x=2"}, signing.BAD_SIGNATURE, "signature does not match"),
    ({"method": "PUT"}, signing.BAD_SIGNATURE, "signature does not match"),
    ({"trusted": {"ak_oem1": "another secret"}}, signing.BAD_SIGNATURE, "signature does not match"),
    ({"now": NOW + 301}, signing.STALE, "X-Carrier-Timestamp is 301 s from the server clock (at most 300)"),
    ({"now": NOW - 3600}, signing.STALE, "is 3600 s from"),
    ({"trusted": {"ak_other": "secret-1"}}, signing.UNKNOWN_KEY, "unknown or revoked API key"),
    ({"drop": signing.SIGNATURE_HEADER}, signing.UNSIGNED, "missing X-Carrier-Signature"),
    ({"set": (signing.TIMESTAMP_HEADER, "+1800000000")}, signing.MALFORMED, "must be Unix seconds"),
    ({"set": (signing.NONCE_HEADER, "short")}, signing.MALFORMED, "X-Carrier-Nonce must be 16 to 64"),
    ({"set": (signing.SIGNATURE_HEADER, "z" * 64)}, signing.MALFORMED, "64 hexadecimal digits"),
])
def test_a_tampered_stale_or_unknown_request_is_refused_saying_why(change: dict[str, object], check: str,
                                                                   says: str) -> None:
    headers = _headers()
    if "drop" in change:
        del headers[str(change["drop"])]
    if "set" in change:
        name, value = change["set"]  # type: ignore[misc]
        headers[name] = value
    with pytest.raises(SignatureRefused) as refused:
        verify_signed_request(headers, change.get("body", BODY), change.get("trusted", TRUSTED),  # type: ignore[arg-type]
                              str(change.get("method", "POST")), str(change.get("path", "/hooks/1?x=1")),
                              now=change.get("now", NOW))  # type: ignore[arg-type]
    assert refused.value.check == check and says in str(refused.value)
    assert "secret-1" not in str(refused.value)


async def test_the_test_receiver_refuses_with_the_verifiers_reason() -> None:
    body = json.dumps({"event": "registration.verified"}).encode()
    good = signed_headers("ak_oem1", "secret-1", "POST", PATH, body)
    async with receiver(secrets=dict(TRUSTED)) as rec, aiohttp.ClientSession() as http:
        for data, headers in [(body, good), (body + b" ", signed_headers("ak_oem1", "secret-1", "POST", PATH, body)),
                              (body, signed_headers("ak_oem1", "secret-1", "POST", PATH, body, now=NOW)),
                              (body, good)]:
            async with http.post(rec.url, data=data, headers=headers) as resp:
                await resp.read()
    assert [d.status for d in rec.attempts] == [200]
    assert [why.split(":")[0] for why in rec.refused] == [signing.BAD_SIGNATURE, signing.STALE, "replayed nonce"]

"""Request signing shared by the OEM API, its webhooks and the reference client, and the
one verifier of a signed request (the OEM API's authentication, the simulator's and the
tests' webhook receivers all use it).

signature = lowercase hex HMAC-SHA256(secret,
    METHOD \\n PATH_WITH_QUERY \\n TIMESTAMP \\n NONCE \\n hex(SHA256(body)))

Verifying is two steps, so that a server can judge an upload before reading its body:
``read_signed_headers`` (all four headers present and well formed, the timestamp within
``MAX_SKEW_SECONDS``), then ``check_signature`` once the body's SHA-256 is known.
``verify_signed_request`` runs both for a body in hand. The single use of a nonce is the
caller's to enforce: only it knows where used nonces are kept.

>>> string_to_sign("post", "/v1/registrations", "1700000000", "n" * 16, b"{}")  # doctest: +ELLIPSIS
'POST\\n/v1/registrations\\n1700000000\\nnnnnnnnnnnnnnnnn\\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Iterable, Mapping

KEY_HEADER = "X-Carrier-Key"
TIMESTAMP_HEADER = "X-Carrier-Timestamp"
NONCE_HEADER = "X-Carrier-Nonce"
SIGNATURE_HEADER = "X-Carrier-Signature"
MAX_SKEW_SECONDS = 300
# Header formats, anchored at both ends (\Z: no trailing newline either). int() alone would
# take "+1796000638", "1796_000638" or non-ASCII digits, and a non-ASCII signature cannot
# even be compared.
KEY_RE = re.compile(r"\A[A-Za-z0-9_-]{1,64}\Z")
TIMESTAMP_RE = re.compile(r"\A[0-9]{1,12}\Z")
NONCE_RE = re.compile(r"\A[A-Za-z0-9_-]{16,64}\Z")
SIGNATURE_RE = re.compile(r"\A[0-9A-Fa-f]{64}\Z")


def string_to_sign(method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes) -> str:
    return _joined(method, path_with_query, timestamp, nonce, hashlib.sha256(body).hexdigest())


def _joined(method: str, path_with_query: str, timestamp: str, nonce: str, body_sha256: str) -> str:
    return "\n".join([method.upper(), path_with_query, timestamp, nonce, body_sha256])


def sign_digest(secret: str, method: str, path_with_query: str, timestamp: str, nonce: str,
                body_sha256: str) -> str:
    message = _joined(method, path_with_query, timestamp, nonce, body_sha256).encode("utf-8")
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, method: str, path_with_query: str, timestamp: str, nonce: str, body: bytes) -> str:
    return sign_digest(secret, method, path_with_query, timestamp, nonce, hashlib.sha256(body).hexdigest())


def signature_matches_digest(secret: str, signature: str, method: str, path_with_query: str, timestamp: str,
                             nonce: str, body_sha256: str) -> bool:
    expected = sign_digest(secret, method, path_with_query, timestamp, nonce, body_sha256)
    return hmac.compare_digest(expected, signature.lower())


def signed_headers(key_id: str, secret: str, method: str, path_with_query: str, body: bytes,
                   *, now: float | None = None, nonce: str | None = None) -> dict[str, str]:
    """The four headers that authenticate one request (or one webhook delivery)."""
    return signed_headers_for_digest(key_id, secret, method, path_with_query, hashlib.sha256(body).hexdigest(),
                                     now=now, nonce=nonce)


def signed_headers_for_digest(key_id: str, secret: str, method: str, path_with_query: str, body_sha256: str,
                              *, now: float | None = None, nonce: str | None = None) -> dict[str, str]:
    """As :func:`signed_headers`, for a body hashed beforehand (a file streamed later)."""
    ts = str(int(time.time() if now is None else now))
    nonce = nonce or secrets.token_urlsafe(18)
    return {
        KEY_HEADER: key_id,
        TIMESTAMP_HEADER: ts,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: sign_digest(secret, method, path_with_query, ts, nonce, body_sha256),
    }


#: the check a refused request failed (``SignatureRefused.check``)
UNSIGNED = "unsigned"
MALFORMED = "malformed header"
STALE = "stale timestamp"
UNKNOWN_KEY = "unknown key"
BAD_SIGNATURE = "bad signature"


class SignatureRefused(ValueError):
    """A signed request that fails a check: ``check`` names which (one of the constants
    above, for counting or mapping), the message says precisely what is wrong (never
    which secret was tried)."""

    def __init__(self, check: str, detail: str) -> None:
        super().__init__(detail)
        self.check = check


@dataclasses.dataclass(frozen=True)
class SignedHeaders:
    key_id: str
    timestamp: str
    nonce: str
    signature: str


def read_signed_headers(headers: Mapping[str, str], *, now: float | None = None) -> SignedHeaders:
    """The four headers, each present and well formed, the timestamp within the window
    of ``now``; raises SignatureRefused naming the first that is not."""
    missing = [h for h in (KEY_HEADER, TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER) if not headers.get(h)]
    if missing:
        raise SignatureRefused(UNSIGNED, f"missing {', '.join(missing)}: every request must be signed")
    signed = SignedHeaders(headers[KEY_HEADER], headers[TIMESTAMP_HEADER], headers[NONCE_HEADER],
                           headers[SIGNATURE_HEADER])
    if not TIMESTAMP_RE.match(signed.timestamp):
        raise SignatureRefused(MALFORMED, f"{TIMESTAMP_HEADER} must be Unix seconds: 1 to 12 ASCII digits")
    skew = abs((time.time() if now is None else now) - int(signed.timestamp))
    if skew > MAX_SKEW_SECONDS:
        raise SignatureRefused(STALE, f"{TIMESTAMP_HEADER} is {skew:.0f} s from the server clock "
                                      f"(at most {MAX_SKEW_SECONDS})")
    if not NONCE_RE.match(signed.nonce):
        raise SignatureRefused(MALFORMED, f"{NONCE_HEADER} must be 16 to 64 characters [A-Za-z0-9_-]")
    if not KEY_RE.match(signed.key_id):  # said as for a key never issued: no hint about the format
        raise SignatureRefused(UNKNOWN_KEY, "unknown or revoked API key")
    if not SIGNATURE_RE.match(signed.signature):
        raise SignatureRefused(MALFORMED, f"{SIGNATURE_HEADER} must be 64 hexadecimal digits (HMAC-SHA256)")
    return signed


def check_signature(signed: SignedHeaders, candidates: Iterable[str], method: str, path_with_query: str,
                    body_sha256: str) -> None:
    """Raise SignatureRefused unless one of the ``candidates`` secrets (several during a
    rotation's grace) signed this method, path with query and body digest."""
    if not any(signature_matches_digest(secret, signed.signature, method, path_with_query, signed.timestamp,
                                        signed.nonce, body_sha256) for secret in candidates):
        raise SignatureRefused(BAD_SIGNATURE, "signature does not match (check the secret, the path with query, "
                                              "and the body hash)")


def verify_signed_request(headers: Mapping[str, str], body: bytes, trusted: Mapping[str, str], method: str,
                          path_with_query: str, *, now: float | None = None) -> SignedHeaders:
    """Both steps for a request whose body is in hand (a webhook delivery): ``trusted``
    maps the key ids this receiver accepts to their secrets."""
    signed = read_signed_headers(headers, now=now)
    secret = trusted.get(signed.key_id)
    if secret is None:
        raise SignatureRefused(UNKNOWN_KEY, "unknown or revoked API key")
    check_signature(signed, [secret], method, path_with_query, hashlib.sha256(body).hexdigest())
    return signed

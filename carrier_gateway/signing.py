"""Request signing shared by the OEM API, its webhooks and the reference client.

signature = lowercase hex HMAC-SHA256(secret,
    METHOD \\n PATH_WITH_QUERY \\n TIMESTAMP \\n NONCE \\n hex(SHA256(body)))

>>> string_to_sign("post", "/v1/registrations", "1700000000", "n" * 16, b"{}")  # doctest: +ELLIPSIS
'POST\\n/v1/registrations\\n1700000000\\nnnnnnnnnnnnnnnnn\\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a'
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time

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

"""Decoding and checking received packets, reading attributes, signing replies.

A packet that fails a check is a ``Drop`` with its cause; nothing answers it. The
checks are the BlastRADIUS mitigation (CVE-2024-3596): an Access-Request must carry a
valid Message-Authenticator (HMAC-MD5 over the packet with the shared secret), an
Accounting-Request a valid Request Authenticator, and every reply is signed with a
Message-Authenticator too.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import Any

from pyrad.dictionary import Dictionary
from pyrad.packet import AccessRequest, AccountingRequest, AcctPacket, AuthPacket, Packet, PacketError

AUTH, ACCT = "auth", "acct"
#: the request code each port takes
CODES = {AUTH: AccessRequest, ACCT: AccountingRequest}


class Drop(Exception):
    """A packet dropped unanswered; ``cause`` labels the drop counter."""

    def __init__(self, cause: str, detail: str = "") -> None:
        super().__init__(detail or cause)
        self.cause = cause


@functools.cache
def dictionary() -> Dictionary:
    """The attributes shipped with the package (standard ones and 3GPP, vendor 10415)."""
    with files("carrier_gateway.radius").joinpath("dictionary").open("r", encoding="ascii") as f:
        return Dictionary(f)


def decode(kind: str, data: bytes, secret: bytes) -> Packet:
    """The request, authenticated with ``secret``; ``Drop`` when it must not be answered."""
    if len(data) < 20:
        raise Drop("MALFORMED", "shorter than a RADIUS header")
    if data[0] != CODES[kind]:
        raise Drop("WRONG_CODE", f"code {data[0]} on the {kind} port")
    cls = AuthPacket if kind == AUTH else AcctPacket
    try:
        pkt = cls(secret=secret, dict=dictionary(), packet=data)
    except (PacketError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise Drop("MALFORMED", str(exc)) from None
    if kind == AUTH:
        if not pkt.message_authenticator:
            raise Drop("NO_MESSAGE_AUTHENTICATOR")
        if not pkt.verify_message_authenticator():
            raise Drop("BAD_MESSAGE_AUTHENTICATOR")
    else:
        if not pkt.VerifyAcctRequest():
            raise Drop("BAD_AUTHENTICATOR")
        if pkt.message_authenticator and not pkt.verify_message_authenticator():
            raise Drop("BAD_MESSAGE_AUTHENTICATOR")
    return pkt


def text(pkt: Packet, name: str) -> str | None:
    """The first value of a text attribute, stripped; None when absent, empty or not UTF-8."""
    try:
        values = pkt.get(name)
    except (KeyError, ValueError, TypeError):
        return None
    if not values:
        return None
    value = values[0]
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    value = str(value).strip()
    return value or None


def number(pkt: Packet, name: str) -> int:
    """The first value of an integer attribute, 0 when absent."""
    values = pkt.get(name) or [0]
    value = values[0]
    return value if isinstance(value, int) else 0


def raw(pkt: Packet, name: str) -> bytes | None:
    values = pkt.get(name)
    if not values:
        return None
    value = values[0]
    return value if isinstance(value, bytes) else str(value).encode()


def reply(pkt: Packet, code: int | None = None, **attributes: Any) -> bytes:
    """The signed reply to ``pkt``: its Response Authenticator, and a Message-Authenticator
    (RFC 3579) on every reply, accounting included."""
    out = pkt.CreateReply()
    if code is not None:
        out.code = code
    for name, value in attributes.items():
        out.AddAttribute(name.replace("_", "-"), value)
    out.message_authenticator = True
    return bytes(out.ReplyPacket())

"""A packet gateway's side of RADIUS (pyrad's asyncio client), for `carrier simulate`
and the benchmark: attach a card, report its session.

pyrad gives each request an identifier no pending request holds, and fails when all 256
are pending: at most 255 requests are in flight here.
"""

from __future__ import annotations

import asyncio
import dataclasses
from types import TracebackType

from pyrad.client_async import ClientAsync
from pyrad.packet import AccessAccept, AccessRequest, AccountingRequest, Packet

from carrier_gateway.radius.packets import dictionary


@dataclasses.dataclass(frozen=True)
class Answer:
    accepted: bool
    #: ALLOWED, or the reason code of the Reject
    reason: str
    framed_ip: str | None = None
    klass: bytes | None = None


def imeisv_of(imei: str, version: str = "00") -> str:
    """What a gateway reports for a device: the IMEI's first 14 digits and a software version.

    >>> imeisv_of("356938035643809")
    '3569380356438000'
    """
    return imei[:14] + version


class Gateway:
    def __init__(self, host: str, auth_port: int, acct_port: int, secret: str, *, timeout: float = 5.0,
                 retries: int = 2) -> None:
        self._client = ClientAsync(host, auth_port=auth_port, acct_port=acct_port, secret=secret.encode(),
                                   dict=dictionary(), retries=retries, timeout=timeout, enforce_ma=True)
        self._in_flight = asyncio.Semaphore(255)

    async def __aenter__(self) -> Gateway:
        await self._client.initialize_transports(enable_auth=True, enable_acct=True)
        return self

    async def __aexit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        await self._client.deinitialize_transports()

    async def _send(self, code: int, attributes: dict[str, object]) -> Packet:
        async with self._in_flight:
            create = self._client.CreateAuthPacket if code == AccessRequest else self._client.CreateAcctPacket
            pkt = create(code=code)
            for name, value in attributes.items():
                if value is not None:
                    pkt[name] = value
            return await self._client.SendPacket(pkt)

    async def attach(self, *, apn: str, imsi: str | None = None, msisdn: str | None = None,
                     imeisv: str | None = None) -> Answer:
        reply = await self._send(AccessRequest, {"3GPP-IMSI": imsi, "Calling-Station-Id": msisdn,
                                                         "Called-Station-Id": apn, "3GPP-IMEISV": imeisv})
        if reply.code == AccessAccept:
            ip = reply.get("Framed-IP-Address") or reply.get("Framed-IPv6-Prefix") or [None]
            return Answer(True, "ALLOWED", ip[0], (reply.get("Class") or [None])[0])
        message = (reply.get("Reply-Message") or ["REJECTED:"])[0]
        return Answer(False, str(message).split(":", 1)[0])

    async def account(self, status: str, session_id: str, *, klass: bytes | None = None,
                      framed_ip: str | None = None, input_octets: int = 0, output_octets: int = 0) -> None:
        await self._send(AccountingRequest, {
            "Acct-Status-Type": status, "Acct-Session-Id": session_id, "Class": klass,
            "Framed-IP-Address": framed_ip if framed_ip and ":" not in framed_ip else None,
            "Acct-Input-Octets": input_octets % 2**32, "Acct-Input-Gigawords": input_octets >> 32,
            "Acct-Output-Octets": output_octets % 2**32, "Acct-Output-Gigawords": output_octets >> 32})

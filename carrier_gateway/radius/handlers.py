"""What a request means: an Access-Request is an attach decision, an Accounting-Request
a usage report. Both are the domain's (``provisioning.network``); here the attributes
are read and the reply is written.

Attributes read: the card by ``3GPP-IMSI`` (10415/1), else ``User-Name`` when it is an
IMSI, else ``Calling-Station-Id`` as MSISDN; the APN from ``Called-Station-Id``; the
device from ``3GPP-IMEISV`` (10415/20). An Accept carries ``Framed-IP-Address`` (or
``Framed-IPv6-Prefix``) and a ``Class`` naming the card, which accounting echoes; a
Reject carries ``Reply-Message`` with the reason code first.
"""

from __future__ import annotations

from collections.abc import Callable

from pyrad.packet import AccessReject, Packet

from carrier_gateway.db import Database
from carrier_gateway.radius.metrics import RadiusMetrics
from carrier_gateway.radius.packets import AUTH, number, raw, reply, text
from provisioning.network import accounting
from provisioning.network.attach import Attach, AttachRequest, decide
from provisioning.network.nas import Client

CLASS_PREFIX = b"iov:"
_STATUS = {1: "Start", 2: "Stop", 3: "Interim-Update", 7: "Accounting-On", 8: "Accounting-Off"}


def attach_request(pkt: Packet) -> AttachRequest:
    imsi = text(pkt, "3GPP-IMSI")
    user = text(pkt, "User-Name")
    if imsi is None and user is not None and user.isascii() and user.isdigit() and 6 <= len(user) <= 15:
        imsi = user
    return AttachRequest(imsi=imsi, msisdn=None if imsi else text(pkt, "Calling-Station-Id"),
                         apn=text(pkt, "Called-Station-Id"), imeisv=text(pkt, "3GPP-IMEISV"))


def reply_message(result: Attach) -> str:
    """``REASON: detail``, cut to what one attribute holds (253 octets)."""
    return f"{result.reason}: {result.detail}".encode()[:253].decode("utf-8", "ignore")


def _octets(pkt: Packet, direction: str) -> int:
    return number(pkt, f"Acct-{direction}-Octets") + (number(pkt, f"Acct-{direction}-Gigawords") << 32)


def accounting_report(pkt: Packet, client: Client) -> accounting.Report:
    values = pkt.get("Acct-Status-Type") or [0]
    status = values[0] if isinstance(values[0], str) else _STATUS.get(values[0], str(values[0]))
    klass = raw(pkt, "Class")
    iccid = klass[len(CLASS_PREFIX):].decode("ascii", "ignore") if klass and klass.startswith(CLASS_PREFIX) else None
    request = attach_request(pkt)
    cause = pkt.get("Acct-Terminate-Cause")
    return accounting.Report(
        status=status, nas_id=client.id, session_id=(text(pkt, "Acct-Session-Id") or "")[:64] or None,
        iccid=iccid or None, imsi=request.imsi, msisdn=request.msisdn, apn=request.apn,
        framed_ip=text(pkt, "Framed-IP-Address"), input_octets=_octets(pkt, "Input"),
        output_octets=_octets(pkt, "Output"), terminate_cause=str(cause[0])[:32] if cause else None)


class Handlers:
    def __init__(self, db: Database, metrics: RadiusMetrics, *, on_suspended: Callable[[], None] | None = None) -> None:
        self._db, self._metrics, self._on_suspended = db, metrics, on_suspended

    async def __call__(self, kind: str, pkt: Packet, client: Client) -> bytes:
        return await (self.access(pkt) if kind == AUTH else self.accounting(pkt, client))

    async def access(self, pkt: Packet) -> bytes:
        result = await decide(self._db.read, self._db.write, attach_request(pkt))
        if not result.allowed:
            self._metrics.rejects.labels(result.reason).inc()
            if result.reason == "IMEI_MISMATCH" and self._on_suspended is not None:
                self._on_suspended()  # a card.suspended webhook is waiting in the outbox
            return reply(pkt, AccessReject, Reply_Message=reply_message(result))
        self._metrics.accepts.inc()
        attributes: dict[str, object] = {"Class": CLASS_PREFIX + (result.iccid or "").encode()}
        if result.framed_ip:
            attributes["Framed_IP_Address"] = result.framed_ip
        if result.framed_ipv6_prefix:
            attributes["Framed_IPv6_Prefix"] = result.framed_ipv6_prefix
        return reply(pkt, **attributes)

    async def accounting(self, pkt: Packet, client: Client) -> bytes:
        report = accounting_report(pkt, client)
        async with self._db.write() as conn:
            outcome = await accounting.record(conn, report)
        self._metrics.accounting.labels(report.status, outcome.result).inc()
        return reply(pkt)

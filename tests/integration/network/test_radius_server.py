"""The RADIUS server as a packet gateway sees it, driven by pyrad's own asyncio client:
decisions, drops (BlastRADIUS), retransmissions and accounting."""

from __future__ import annotations

from pyrad.packet import AccessAccept, AccessReject, AccountingResponse, AcctPacket, AuthPacket
from sqlalchemy import select

from carrier_gateway.db import Database
from carrier_gateway.radius.packets import dictionary
from numbering.tables import addresses
from provisioning.cards.store import get_card
from provisioning.network import leases
from provisioning.network.usage import card_usage
from provisioning.privacy.keyring import Keyring
from tests.integration.network.kit import APN, IMEISV, OTHER_IMEISV, cards_in
from tests.support.radius import SECRET, access_request, accounting_request, count, gateway, raw_peer, running


def _reason(reply: AuthPacket) -> str:
    return reply["Reply-Message"][0].split(":")[0]


async def test_accept_rejects_and_an_imei_swap(db: Database, master_key: Keyring) -> None:
    active, inventory, pending, rejected, other = await cards_in(db, "ACTIVE", "INVENTORY", "PENDING", "REJECTED",
                                                                 "ACTIVE", static_ip=True)
    async with running(db, master_key) as (server, registry), gateway(server) as gw:
        accept = await gw.SendPacket(access_request(gw, imsi=active.imsi, imeisv=IMEISV))
        assert accept.code == AccessAccept
        assert accept["Framed-IP-Address"] == [active.static_ip]
        assert accept["Class"] == [f"iov:{active.iccid}".encode()]
        assert accept.message_authenticator  # verified by the client (enforce_ma)
        for card in (inventory, pending, rejected):
            reject = await gw.SendPacket(access_request(gw, imsi=card.imsi))
            assert (reject.code, _reason(reject)) == (AccessReject, "STATE"), card.state
        foreign = await gw.SendPacket(access_request(gw, imsi=other.imsi, apn="cmnet"))
        unknown = await gw.SendPacket(access_request(gw, imsi="460009999999999"))
        swapped = await gw.SendPacket(access_request(gw, imsi=active.imsi, imeisv=OTHER_IMEISV))
        assert [_reason(r) for r in (foreign, unknown, swapped)] == ["APN_NOT_ALLOWED", "CARD_UNKNOWN",
                                                                     "IMEI_MISMATCH"]
        assert count(registry, "accepts") == 1 and count(registry, "rejects", reason="STATE") == 3
    async with db.read() as conn:
        card = await get_card(conn, iccid=active.iccid)
    assert (card.state, card.suspension_cause) == ("SUSPENDED", "IMEI_CHANGE")


async def test_user_name_and_calling_station_id_find_the_card(db: Database, master_key: Keyring) -> None:
    one, two = await cards_in(db, "ACTIVE", "ACTIVE")
    async with running(db, master_key) as (server, _), gateway(server) as gw:
        by_user = await gw.SendPacket(access_request(gw, User_Name=one.imsi))
        by_msisdn = await gw.SendPacket(access_request(gw, Calling_Station_Id=f"86{two.msisdn}"))
    assert by_user.code == by_msisdn.code == AccessAccept
    assert by_user["Framed-IP-Address"] != by_msisdn["Framed-IP-Address"]  # session addresses, one each


async def test_unauthenticated_packets_are_dropped_and_counted(db: Database, master_key: Keyring) -> None:
    [card] = await cards_in(db, "ACTIVE")

    def packet(secret: str = SECRET, *, signed: bool = True, forged: bool = False) -> bytes:
        pkt = AuthPacket(secret=secret.encode(), dict=dictionary(), message_authenticator=signed)
        pkt["3GPP-IMSI"], pkt["Called-Station-Id"] = card.imsi, APN
        data = bytearray(pkt.RequestPacket())
        if forged:  # a changed attribute after signing: the Message-Authenticator no longer matches
            data[-1] ^= 0x01
        return bytes(data)

    async with running(db, master_key) as (server, registry):
        async with raw_peer(server.ports["auth"]) as peer:
            for bad in (packet(signed=False), packet(forged=True), packet("another-secret-0123456789")):
                peer.send(bad)
            good = packet()
            peer.send(good)
            answer = AuthPacket(packet=await peer.reply(), secret=SECRET.encode(), dict=dictionary())
            assert answer.id == good[1] and answer.code == AccessAccept and peer.replies.empty()
        async with raw_peer(server.ports["auth"], local="127.0.0.2") as stranger:  # not a registered client
            stranger.send(packet())
        async with raw_peer(server.ports["auth"]) as peer:  # answered in order: the stranger's was dropped
            peer.send(packet())
            await peer.reply()
        drops = {cause: count(registry, "drops", cause=cause) for cause in
                 ("NO_MESSAGE_AUTHENTICATOR", "BAD_MESSAGE_AUTHENTICATOR", "UNKNOWN_CLIENT")}
    assert drops == {"NO_MESSAGE_AUTHENTICATOR": 1, "BAD_MESSAGE_AUTHENTICATOR": 2, "UNKNOWN_CLIENT": 1}


async def test_accounting_with_a_wrong_authenticator_or_on_the_wrong_port_is_dropped(db: Database,
                                                                                      master_key: Keyring) -> None:
    [card] = await cards_in(db, "ACTIVE")

    def report(secret: str) -> bytes:
        pkt = AcctPacket(secret=secret.encode(), dict=dictionary())
        pkt["Acct-Status-Type"], pkt["Acct-Session-Id"], pkt["3GPP-IMSI"] = "Start", "s-9", card.imsi
        return pkt.RequestPacket()

    async with running(db, master_key) as (server, registry):
        async with raw_peer(server.ports["acct"]) as peer:
            peer.send(report("another-secret-0123456789"))
            peer.send(report(SECRET))
            answer = AcctPacket(packet=await peer.reply(), secret=SECRET.encode(), dict=dictionary())
            assert answer.code == AccountingResponse and peer.replies.empty()
        async with raw_peer(server.ports["auth"]) as peer:  # accounting sent to the authentication port
            peer.send(report(SECRET))
            good = AuthPacket(secret=SECRET.encode(), dict=dictionary(), message_authenticator=True)
            good["3GPP-IMSI"], good["Called-Station-Id"] = card.imsi, APN
            peer.send(good.RequestPacket())
            assert AuthPacket(packet=await peer.reply(), secret=SECRET.encode(), dict=dictionary()).code == \
                AccessAccept
        assert count(registry, "drops", cause="BAD_AUTHENTICATOR") == 1
        assert count(registry, "drops", cause="WRONG_CODE") == 1
        assert count(registry, "accounting", status="Start", outcome="RECORDED") == 1


async def test_a_retransmission_gets_the_same_answer_and_is_not_decided_again(db: Database,
                                                                             master_key: Keyring) -> None:
    [card] = await cards_in(db, "ACTIVE")
    pkt = AuthPacket(secret=SECRET.encode(), dict=dictionary(), message_authenticator=True)
    pkt["3GPP-IMSI"], pkt["Called-Station-Id"] = card.imsi, APN
    data = pkt.RequestPacket()
    async with running(db, master_key) as (server, registry), raw_peer(server.ports["auth"]) as peer:
        peer.send(data)
        first = await peer.reply()
        peer.send(data)
        second = await peer.reply()
        assert first == second
        assert count(registry, "accepts") == 1 and count(registry, "retransmissions", port="auth") == 1
        pkt.authenticator = None  # same identifier, new Request Authenticator: a new request
        pkt.add_message_authenticator()
        peer.send(pkt.RequestPacket())
        await peer.reply()
        assert count(registry, "accepts") == 2


async def test_accounting_totals_with_a_duplicate_stop_counted_once(db: Database, master_key: Keyring) -> None:
    [card] = await cards_in(db, "ACTIVE")
    async with running(db, master_key) as (server, registry), gateway(server) as gw:
        accept = await gw.SendPacket(access_request(gw, imsi=card.imsi))
        ip, klass = accept["Framed-IP-Address"][0], accept["Class"][0]
        start = await gw.SendPacket(accounting_request(gw, "Start", "sess-1", Class=klass, Framed_IP_Address=ip))
        assert start.code == AccountingResponse and start.message_authenticator
        await gw.SendPacket(accounting_request(gw, "Interim-Update", "sess-1", Class=klass,
                                               Acct_Input_Octets=1000, Acct_Output_Octets=500))
        stop = dict(Class=klass, Framed_IP_Address=ip, Acct_Input_Octets=7, Acct_Input_Gigawords=1,
                    Acct_Output_Octets=2000, Acct_Terminate_Cause="User-Request")
        await gw.SendPacket(accounting_request(gw, "Stop", "sess-1", **stop))
        await gw.SendPacket(accounting_request(gw, "Stop", "sess-1", **stop))  # a new packet, same Stop
        await gw.SendPacket(accounting_request(gw, "Start", "sess-2", **{"3GPP-IMSI": card.imsi}))
        assert count(registry, "accounting", status="Stop", outcome="DUPLICATE") == 1
    async with db.read() as conn:
        used = await card_usage(conn, card, card.state_changed_at)
    assert (used.sessions, used.open_sessions) == (2, 1)
    assert (used.input_octets, used.output_octets) == (2**32 + 7, 2000)


async def test_accounting_on_closes_the_gateways_sessions_and_frees_their_addresses(db: Database,
                                                                                    master_key: Keyring) -> None:
    [card] = await cards_in(db, "ACTIVE")
    async with running(db, master_key) as (server, _), gateway(server) as gw:
        accept = await gw.SendPacket(access_request(gw, imsi=card.imsi))
        ip = accept["Framed-IP-Address"][0]
        await gw.SendPacket(accounting_request(gw, "Start", "sess-1", Class=accept["Class"][0], Framed_IP_Address=ip))
        async with db.read() as conn:
            assert await leases.held(conn, card.iccid) == ip
        await gw.SendPacket(accounting_request(gw, "Accounting-On", "boot-1"))
    async with db.read() as conn:
        used = await card_usage(conn, card, card.state_changed_at)
        assert (used.sessions, used.open_sessions) == (1, 0)
        assert await leases.held(conn, card.iccid) is None
        assert ip not in set((await conn.execute(select(addresses.c.ip))).scalars())  # back in the prefix

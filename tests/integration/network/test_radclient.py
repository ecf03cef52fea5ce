"""The RADIUS server driven by radclient, FreeRADIUS's own client (Debian's
freeradius-utils; `.ci/run` installs it), as a tester pointing a real tool at it would."""

from __future__ import annotations

from carrier_gateway.db import Database
from provisioning.network.usage import card_usage
from provisioning.privacy.keyring import Keyring
from tests.integration.network.kit import APN, cards_in
from tests.support.radius import MA, count, radclient, running


async def test_radclient_gets_accepts_and_rejects(db: Database, master_key: Keyring) -> None:
    active, inventory = await cards_in(db, "ACTIVE", "INVENTORY", static_ip=True)
    async with running(db, master_key) as (server, _):
        port = server.ports["auth"]
        accept = await radclient(port, "auth", [f'3GPP-IMSI = "{active.imsi}"', f'Called-Station-Id = "{APN}"',
                                                '3GPP-IMEISV = "3569380356438001"', MA])
        reject = await radclient(port, "auth", [f'User-Name = "{inventory.imsi}"', f'Called-Station-Id = "{APN}"',
                                                MA])
        foreign = await radclient(port, "auth", [f'3GPP-IMSI = "{active.imsi}"', 'Called-Station-Id = "cmnet"',
                                                 MA])
    assert "Received Access-Accept" in accept and f"Framed-IP-Address = {active.static_ip}" in accept
    assert "Message-Authenticator" in accept.split("Received", 1)[1]
    assert "Received Access-Reject" in reject and 'Reply-Message = "STATE: ' in reject
    assert 'Reply-Message = "APN_NOT_ALLOWED: ' in foreign


async def test_radclient_without_message_authenticator_or_with_a_wrong_secret_is_dropped(
        db: Database, master_key: Keyring) -> None:
    [card] = await cards_in(db, "ACTIVE")
    attributes = [f'3GPP-IMSI = "{card.imsi}"', f'Called-Station-Id = "{APN}"']
    async with running(db, master_key) as (server, registry):
        port = server.ports["auth"]
        # nothing comes back: radclient waits its one second and says so
        unsigned = await radclient(port, "auth", attributes, wait=1)
        wrong = await radclient(port, "auth", [*attributes, MA], secret="not-the-secret-0123456789", wait=1)
        assert count(registry, "drops", cause="NO_MESSAGE_AUTHENTICATOR") == 1
        assert count(registry, "drops", cause="BAD_MESSAGE_AUTHENTICATOR") == 1
    assert "No reply" in unsigned and "No reply" in wrong
    assert "Received" not in unsigned + wrong


async def test_radclient_accounting_with_a_repeated_stop(db: Database, master_key: Keyring) -> None:
    [card] = await cards_in(db, "ACTIVE")
    ids = [f'3GPP-IMSI = "{card.imsi}"', 'Acct-Session-Id = "rc-1"']
    async with running(db, master_key) as (server, registry):
        port = server.ports["acct"]
        start = await radclient(port, "acct", [*ids, "Acct-Status-Type = Start"])
        stop = [*ids, "Acct-Status-Type = Stop", "Acct-Input-Octets = 1500", "Acct-Output-Octets = 2500",
                "Acct-Output-Gigawords = 2"]
        first, second = await radclient(port, "acct", stop), await radclient(port, "acct", stop)
        assert count(registry, "accounting", status="Stop", outcome="DUPLICATE") == 1
    assert all("Received Accounting-Response" in out for out in (start, first, second))
    async with db.read() as conn:
        used = await card_usage(conn, card, card.state_changed_at)
    assert (used.sessions, used.input_octets, used.output_octets) == (1, 1500, 2 * 2**32 + 2500)

"""`carrier serve --radius-auth-port --radius-acct-port` as a real process, asked by radclient."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
from pathlib import Path

from carrier_gateway.db import Database
from provisioning.network.nas import add_nas
from provisioning.privacy.keyring import Keyring
from tests.integration.network.kit import APN, cards_in
from tests.integration.test_serve import free_port, wait_ready
from tests.support.cli import carrier_bin
from tests.support.radius import MA, SECRET, radclient


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_serve_answers_radius_and_stops_cleanly(tmp_path: Path, db: Database, db_url: str,
                                                      master_key: Keyring) -> None:
    [card] = await cards_in(db, "ACTIVE", static_ip=True)
    async with db.write() as conn:
        await add_nas(conn, master_key, name="pgw1", address="127.0.0.0/8", secret=SECRET, actor="cli:test")
    port, auth, acct = free_port(), free_udp_port(), free_udp_port()
    proc = subprocess.Popen([*carrier_bin(), "serve", "--port", str(port), "--radius-auth-port", str(auth),
                             "--radius-acct-port", str(acct), "--database-url", db_url],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        await asyncio.to_thread(wait_ready, port, proc)
        accept = await radclient(auth, "auth", [f'3GPP-IMSI = "{card.imsi}"', f'Called-Station-Id = "{APN}"', MA])
        start = await radclient(acct, "acct", [f'3GPP-IMSI = "{card.imsi}"', 'Acct-Session-Id = "x1"',
                                               "Acct-Status-Type = Start"])
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.to_thread(proc.communicate, timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert f"Framed-IP-Address = {card.static_ip}" in accept and "Received Accounting-Response" in start
    assert proc.returncode == 0, err
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    listening = next(e for e in events if e["msg"] == "RADIUS listening")
    assert (listening["auth_port"], listening["acct_port"]) == (auth, acct)
    assert events[-1]["msg"] == "stopped"

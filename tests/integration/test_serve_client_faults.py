"""What clients do wrong is logged by `carrier serve` in one line without a traceback: a
malformed request or body (WARNING, and a 400 rather than a 500), a client gone
mid-upload or mid-response (INFO). A traceback at ERROR is kept for faults of the
service itself."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from carrier_gateway.db import Database
from provisioning.audit.trail import Event, record
from tests.api.provisioning.helpers import tokens
from tests.integration.test_serve import free_port, wait_ready
from tests.support.cli import carrier_bin


def _send(port: int, head: bytes, *, until: bytes = b"") -> bytes:
    """Send ``head``, read the answer until it holds ``until`` (if given), then hang up."""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(head)
        while until not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return data


async def test_client_faults_are_logged_in_one_line(tmp_path: Path, sqlite_template: Path) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "c.db")
    url = f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    db = Database(url)
    try:  # an export far larger than the socket buffers, so the server is still writing when the client leaves
        async with db.write() as conn:
            await record(conn, *[Event("ops:9", "card.transition", "card", str(i), 1, {"i": i}) for i in range(30000)])
    finally:
        await db.dispose()
    h = await tokens(url, "ops", "regulator")
    port = free_port()
    proc = subprocess.Popen([*carrier_bin(), "serve", "--port", str(port), "--database-url", url],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_ready(port, proc)
        malformed = _send(port, b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", until=b" 400 ")
        assert malformed.startswith(b"HTTP/1.0 400")
        ops, regulator = h["ops"]["Authorization"].encode(), h["regulator"]["Authorization"].encode()
        _send(port, b"POST /ops/v1/enterprises HTTP/1.1\r\nHost: x\r\nAuthorization: " + ops +
              b"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"name\": ")
        not_gzip = _send(port, b"POST /ops/v1/enterprises HTTP/1.1\r\nHost: x\r\nAuthorization: " + ops +
                         b"\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
                         b"Content-Length: 8\r\n\r\nnot gzip", until=b"BAD_REQUEST")
        assert not_gzip.startswith(b"HTTP/1.1 400") and b'"code":"BAD_REQUEST"' in not_gzip
        started = _send(port, b"GET /ops/v1/audit/export HTTP/1.1\r\nHost: x\r\nAuthorization: " + regulator +
                        b"\r\n\r\n", until=b"\r\n\r\n")
        assert started.startswith(b"HTTP/1.1 200")
        time.sleep(0.5)  # let the server notice both hang-ups before it is told to stop
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert len(events) == len(err.splitlines()), err  # every line is one JSON event: no traceback text
    assert not [e for e in events if "exc" in e or e["level"] in ("error", "critical")], err
    by_msg = {e["msg"].split(":")[0]: e["level"] for e in events}
    assert by_msg["malformed request"] == by_msg["malformed request body"] == "warning"
    assert by_msg["client went away during the request"] == "info"
    assert by_msg["client went away during a streamed response"] == "info"

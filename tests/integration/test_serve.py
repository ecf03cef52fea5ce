"""`carrier serve` as a real process: answers, logs as JSON, stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support.cli import carrier, carrier_bin


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, proc: subprocess.Popen[str], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1]
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("service did not become ready")


@pytest.mark.parametrize(("chosen", "runs_on"), [(None, "uvloop"), ("asyncio", "asyncio")])
def test_serve_answers_then_stops_cleanly_on_sigterm(tmp_path: Path, db_url: str, chosen: str | None,
                                                     runs_on: str) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "CARRIER_EVENT_LOOP"}
    if chosen:
        env["CARRIER_EVENT_LOOP"] = chosen
    proc = subprocess.Popen([*carrier_bin(), "serve", "--port", str(port), "--database-url", db_url],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        wait_ready(port, proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as resp:
            assert json.loads(resp.read()) == {"status": "ok"}
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    msgs = [e["msg"] for e in events]
    assert "listening" in msgs and msgs[-1] == "stopped"
    # the event loop as the running loop says it is (libuv's by default)
    assert [e["event_loop"] for e in events if e["msg"] == "listening"] == [runs_on]
    access = [e for e in events if e["logger"] == "carrier.access"]
    assert any(e["path"] == "/healthz" and e["status"] == 200 and e["request_id"] for e in access)


def test_serve_refuses_an_uninitialised_database(tmp_path: Path) -> None:
    res = carrier("serve", "--database-url", f"sqlite:///{tmp_path / 'c.db'}")
    assert res.code == 1 and "carrier init" in res.err and res.err.count("\n") == 1

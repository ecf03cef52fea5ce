"""Processes of bench/registrations.py: the `carrier serve` processes and the baseline
server (each a subprocess, so none shares the load generator's event loop), their
readiness, their CPU time and, if asked, py-spy profiles of them."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp


@dataclasses.dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], port: int, env: dict[str, str], log: Path) -> Server:
    """``cmd`` listening on ``port`` of 127.0.0.1, its output in ``log``."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Server(f"http://127.0.0.1:{port}", proc, log)


async def wait_ready(servers: list[Server], path: str, timeout: float = 60) -> None:
    """Until every server answers 200 on ``path`` (all polled at once)."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        async def one(server: Server) -> None:
            while time.monotonic() < deadline:
                if server.proc.poll() is not None:
                    raise SystemExit(f"server exited with {server.proc.returncode}; see {server.log}")
                try:
                    async with session.get(server.url + path) as resp:
                        if resp.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
            raise SystemExit(f"{server.url}{path} not ready after {timeout} s; see {server.log}")

        await asyncio.gather(*(one(server) for server in servers))


def stop(server: Server) -> None:
    proc = server.proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cpu_seconds(servers: list[Server]) -> float:
    """User+system CPU seconds the servers have used so far (all their threads), from /proc."""
    total = 0.0
    for server in servers:
        try:
            with open(f"/proc/{server.proc.pid}/stat", encoding="ascii") as fh:
                fields = fh.read().rpartition(")")[2].split()
        except OSError:
            return float("nan")
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine so far, every core, from /proc/stat:
    a phase's busy share tells whether the machine had a core left to give."""
    with open("/proc/stat", encoding="ascii") as fh:
        user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in fh.readline().split()[1:9])
    tick = os.sysconf("SC_CLK_TCK")
    busy = user + nice + system + irq + softirq + steal
    return busy / tick, (busy + idle + iowait) / tick


class Profiler:
    """py-spy on each server for one phase at a time (raw collapsed stacks), if asked:
    ``PHASE.txt`` for one server, ``PHASE-1.txt``, ``PHASE-2.txt``... for several. Only
    threads holding the GIL are sampled (``--gil``): a sample is CPU, never a thread
    waiting on a queue; ``bench/profile_steps.py`` turns the stacks into a table."""

    def __init__(self, directory: str | None, servers: list[Server]) -> None:
        self.dir, self.pids = directory, [server.proc.pid for server in servers]
        self.procs: list[subprocess.Popen[bytes]] = []

    def begin(self, phase: str) -> None:
        if not self.dir:
            return
        Path(self.dir).mkdir(parents=True, exist_ok=True)
        spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
        for n, pid in enumerate(self.pids, 1):
            name = f"{phase}.txt" if len(self.pids) == 1 else f"{phase}-{n}.txt"
            self.procs.append(subprocess.Popen(
                [spy, "record", "--pid", str(pid), "--rate", "250", "--gil", "--format", "raw",
                 "-o", str(Path(self.dir) / name)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(0.5)

    def end(self) -> None:
        for proc in self.procs:
            proc.send_signal(signal.SIGINT)
        for proc in self.procs:
            proc.wait(timeout=60)
        self.procs = []

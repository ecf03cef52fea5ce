"""Registration gateway throughput over real HTTP on SQLite, one `carrier serve` process,
each figure beside a bare aiohttp JSON handler measured in the same run with the same
client (the baseline: same payloads, a handler that parses the JSON and answers 202).

(a) batch: records/s accepted (answers of ``POST /v1/registrations/batch``, 1000 valid
    records each), and records/s accepted *and verified* end to end (first push to the
    last registration decided, VERIFIED or REJECTED);
(b) single: ``POST /v1/registrations`` pushes/s with p50/p99 latency at 32 keep-alive
    connections.

The server runs as a subprocess (`carrier serve --sandbox`), the load generator in this
process, so they never share an event loop. The per-enterprise rate limit would throttle
the bench: it is set explicitly (CARRIER_RATE_LIMIT=0, no limit) and printed.

    python bench/registrations.py [--batches 20] [--singles 10000] [--connections 32]
                                  [--profile-dir DIR]   # py-spy raw stacks per phase
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

# bench/ holds scripts named like the project's packages (bench/numbering.py): keep it
# off the import path and load the helper module by its file
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
_spec = importlib.util.spec_from_file_location("_regkit", _HERE / "_regkit.py")
assert _spec is not None and _spec.loader is not None
_regkit = importlib.util.module_from_spec(_spec)
sys.modules["_regkit"] = _regkit
_spec.loader.exec_module(_regkit)
SINK_PATH, Load, machine, prepare, records, serve_baseline = (
    _regkit.SINK_PATH, _regkit.Load, _regkit.machine, _regkit.prepare, _regkit.records, _regkit.serve_baseline)

from carrier_gateway.client import _dumps  # noqa: E402
from carrier_gateway.signing import signed_headers  # noqa: E402
from provisioning.privacy.keyring import ENV_VAR, new_keyring  # noqa: E402

GOALS = {"batch": 20_000.0, "single": 3_000.0, "p99_ms": 50.0}
RATE_LIMIT = "0"  # CARRIER_RATE_LIMIT for the bench: 0 switches the per-enterprise limit off


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"server exited with {proc.returncode}")
            try:
                async with session.get(url) as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise SystemExit(f"{url} not ready after {timeout} s")


def start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Profiler:
    """py-spy on the server for one phase at a time (raw collapsed stacks), if asked."""

    def __init__(self, directory: str | None, pid: int) -> None:
        self.dir, self.pid, self.proc = directory, pid, None

    def begin(self, phase: str) -> None:
        if self.dir:
            Path(self.dir).mkdir(parents=True, exist_ok=True)
            spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
            self.proc = subprocess.Popen([spy, "record", "--pid", str(self.pid), "--rate", "250", "--format",
                                          "raw", "-o", str(Path(self.dir) / f"{phase}.txt")],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)

    def end(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(timeout=60)
            self.proc = None


def cpu_seconds(pid: int) -> float:
    """User+system CPU seconds of a process so far (all its threads), from /proc."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rpartition(")")[2].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pending(db_path: Path) -> int:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as conn:
        return conn.execute("SELECT count(*) FROM registrations WHERE status = 'PENDING'").fetchone()[0]


def outcomes(db_path: Path) -> dict[str, int]:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as conn:
        return dict(conn.execute("SELECT status, count(*) FROM registrations GROUP BY status").fetchall())


async def until_decided(db_path: Path, timeout: float = 900) -> float:
    """Poll (read-only, WAL) until no registration is PENDING; returns the monotonic time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await asyncio.to_thread(pending, db_path) == 0:
            return time.monotonic()
        await asyncio.sleep(0.02)
    raise SystemExit("registrations still PENDING after the timeout")


async def run_batches(base: str, key_id: str, secret: str, bodies: list[bytes], concurrency: int) -> Load:
    """POST every body to the batch endpoint, ``concurrency`` in flight."""
    load = Load()
    queue = list(reversed(bodies))
    path = "/v1/registrations/batch"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency),
                                     timeout=aiohttp.ClientTimeout(total=600)) as session:
        async def worker() -> None:
            while queue:
                body = queue.pop()
                headers = {**signed_headers(key_id, secret, "POST", path, body), "Content-Type": "application/json"}
                t0 = time.perf_counter()
                async with session.post(base + path, data=body, headers=headers) as resp:
                    await resp.read()
                    load.add(resp.status, time.perf_counter() - t0)

        load.start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        load.end = time.monotonic()
    return load


async def run_singles(base: str, key_id: str, secret: str, bodies: list[bytes], connections: int) -> Load:
    load = Load()
    path = "/v1/registrations"
    it = iter(bodies)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections),
                                     timeout=aiohttp.ClientTimeout(total=120)) as session:
        async def worker() -> None:
            for body in it:
                headers = {**signed_headers(key_id, secret, "POST", path, body), "Content-Type": "application/json"}
                t0 = time.perf_counter()
                async with session.post(base + path, data=body, headers=headers) as resp:
                    await resp.read()
                    load.add(resp.status, time.perf_counter() - t0)

        load.start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(connections)))
        load.end = time.monotonic()
    return load


async def bench(args: argparse.Namespace, work: Path) -> None:
    db_path = work / "bench.db"
    for stale in (db_path, work / "bench.db-wal", work / "bench.db-shm"):
        stale.unlink(missing_ok=True)
    url = f"sqlite+aiosqlite:///{db_path}"
    keyring = new_keyring()
    n_batch, n_single = args.batches * args.batch_size, args.singles
    base_port, our_port = free_port(), free_port()
    callback = f"http://127.0.0.1:{base_port}{SINK_PATH}" if args.webhooks else None
    print(f"preparing {n_batch + n_single:,} cards and records in {work} ...", file=sys.stderr)
    key_id, secret, iccids = await prepare(url, keyring, n_batch + n_single, callback)
    recs = records(iccids, seed=args.seed)
    batch_bodies = [_dumps({"records": recs[i:i + args.batch_size]}) for i in range(0, n_batch, args.batch_size)]
    single_bodies = [_dumps(r) for r in recs[n_batch:]]

    env = {**os.environ, ENV_VAR: keyring.to_json(), "CARRIER_RATE_LIMIT": RATE_LIMIT,
           "CARRIER_WORKERS": str(args.workers), "CARRIER_DATABASE_URL": url}
    baseline = start([sys.executable, str(Path(__file__).resolve()), "--serve-baseline", str(base_port)],
                     env, work / "baseline.log")
    carrier = start([str(Path(sys.executable).parent / "carrier"), "serve", "--sandbox", "--port", str(our_port)],
                    env, work / "serve.log")
    profiler = Profiler(args.profile_dir, carrier.pid)
    try:
        base_url, our_url = f"http://127.0.0.1:{base_port}", f"http://127.0.0.1:{our_port}"
        await wait_ready(base_url + "/healthz", baseline)
        await wait_ready(our_url + "/readyz", carrier)
        print("measuring ...", file=sys.stderr)
        b_batch = await run_batches(base_url, key_id, secret, batch_bodies, args.batch_concurrency)
        profiler.begin("batch")
        cpu0 = cpu_seconds(carrier.pid)
        o_batch = await run_batches(our_url, key_id, secret, batch_bodies, args.batch_concurrency)
        decided_at = await until_decided(db_path) if args.workers else time.monotonic()
        o_batch.cpu = cpu_seconds(carrier.pid) - cpu0
        profiler.end()
        b_single = await run_singles(base_url, key_id, secret, single_bodies, args.connections)
        profiler.begin("single")
        cpu0 = cpu_seconds(carrier.pid)
        o_single = await run_singles(our_url, key_id, secret, single_bodies, args.connections)
        profiler.end()
        single_decided_at = await until_decided(db_path) if args.workers else time.monotonic()
        o_single.cpu = cpu_seconds(carrier.pid) - cpu0
    finally:
        profiler.end()
        stop(carrier)
        stop(baseline)
    for name, load in (("carrier batch", o_batch), ("carrier single", o_single), ("baseline batch", b_batch),
                       ("baseline single", b_single)):
        if load.errors:
            raise SystemExit(f"{name}: {load.errors} answers were not 2xx: {load.statuses}")
    report(args, db_path, n_batch, n_single, b_batch, o_batch, decided_at, b_single, o_single, single_decided_at)


def report(args: argparse.Namespace, db_path: Path, n_batch: int, n_single: int, b_batch: Load, o_batch: Load,
           decided_at: float, b_single: Load, o_single: Load, single_decided_at: float) -> None:
    e2e = n_batch / (decided_at - o_batch.start)
    single_e2e = n_single / (single_decided_at - o_single.start)
    rows = [
        ("batch records/s accepted", n_batch / b_batch.seconds, n_batch / o_batch.seconds, GOALS["batch"]),
        ("batch records/s accepted+verified", None, e2e, GOALS["batch"]),
        ("single pushes/s (32 conns)", n_single / b_single.seconds, n_single / o_single.seconds, GOALS["single"]),
        ("single p50 ms", b_single.p(50), o_single.p(50), None),
        ("single p99 ms", b_single.p(99), o_single.p(99), GOALS["p99_ms"]),
        ("single pushes/s accepted+verified", None, single_e2e, None),
        ("server CPU us/record, batch (all)", None, o_batch.cpu / n_batch * 1e6, None),
        ("server CPU us/push, single (all)", None, o_single.cpu / n_single * 1e6, None),
    ]
    print(f"machine: {machine()}; load average at the end {os.getloadavg()[0]:.1f} (other work skews figures)")
    print(f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, aiohttp {aiohttp.__version__}")
    print(f"CARRIER_RATE_LIMIT={RATE_LIMIT} (per-enterprise rate limit switched off for the bench), "
          f"CARRIER_WORKERS={args.workers}, sandbox identity authority, SQLite synchronous=NORMAL (WAL), "
          f"webhooks {'on (outbox events delivered to a local sink)' if args.webhooks else 'off (no callback URL)'}")
    print(f"{n_batch:,} records in batches of {args.batch_size} ({args.batch_concurrency} in flight); "
          f"{n_single:,} single pushes over {args.connections} keep-alive connections")
    print()
    print(f"| {'measure':<36} | {'bare aiohttp':>12} | {'carrier':>10} | {'carrier/bare':>12} | {'goal':>8} |")
    print(f"|{'-' * 38}|{'-' * 14}|{'-' * 12}|{'-' * 14}|{'-' * 10}|")
    for name, bare, ours, goal in rows:
        ratio = f"{ours / bare:.2f}" if bare else "-"
        print(f"| {name:<36} | {_fmt(bare):>12} | {_fmt(ours):>10} | {ratio:>12} | {_fmt(goal):>8} |")
    print()
    print(f"outcomes: {outcomes(db_path)}")


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--batch-concurrency", type=int, default=2)
    parser.add_argument("--singles", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="verification workers of the server")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--webhooks", action="store_true",
                        help="give the OEM a callback URL (a sink beside the baseline): every decision also "
                             "writes an outbox event that the server delivers while it is measured")
    parser.add_argument("--keep", help="work in this directory and keep it (database, server logs)")
    parser.add_argument("--profile-dir", help="record py-spy raw stacks of the server per phase here")
    parser.add_argument("--serve-baseline", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        serve_baseline(args.serve_baseline)
        return
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        asyncio.run(bench(args, Path(args.keep)))
    else:
        with tempfile.TemporaryDirectory(prefix="regbench") as tmp:
            asyncio.run(bench(args, Path(tmp)))


if __name__ == "__main__":
    main()

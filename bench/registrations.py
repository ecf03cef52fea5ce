"""Registration gateway throughput over real HTTP, on SQLite or PostgreSQL, against one
or several `carrier serve` processes sharing the database; each figure beside a bare
aiohttp JSON handler (one process) measured in the same run with the same client (the
baseline: same payloads, a handler that parses the JSON and answers 202).

(a) batch: records/s accepted (answers of ``POST /v1/registrations/batch``, 1000 valid
    records each), and records/s accepted *and verified* end to end (first push to the
    last registration decided, VERIFIED or REJECTED);
(b) single: ``POST /v1/registrations`` pushes/s with p50/p99 latency at 32 keep-alive
    connections;
(c) on SQLite, the batch path's storage floor: raw sqlite3 doing the database work the
    same records need (accepted, then read and decided: bench/_rawfloor.py), measured
    after the servers stop; "carrier accepted+verified / floor" is the share of the
    floor the server reaches; and the work floor: the same with the records' own work
    (schema, sealing, blind indexes, checks) called directly, on one core, so the
    rate one process could reach were the server around that work free
    (``--no-floor`` skips both).

The servers run as subprocesses (`carrier serve --sandbox`, all with the same
environment), the load generator in this process, so they never share an event loop.
With several servers the batches go to them in turn and each keep-alive connection
stays with one of them. The per-enterprise rate limit would throttle the bench: it is
set explicitly (CARRIER_RATE_LIMIT=0, no limit) and printed. Server CPU is the sum over
all `carrier serve` processes. Below the table, each phase's share of the whole
machine's CPU (every core, from /proc/stat) is split into the servers, this load
generator and everything else (on PostgreSQL mostly its backends): a phase whose
machine was not busy was held back by waiting (locks, commits), not by CPU.

The database is a fresh SQLite file in the work directory unless --database-url names
one: for a ``postgresql://`` URL a database ``regbench_<pid>_<time>`` is created on that
server for the run and dropped at the end (also on a failure, Ctrl-C or SIGTERM). If that server
cannot be reached the script exits with status 69 (EX_UNAVAILABLE).

    python bench/registrations.py [--batches 20] [--singles 10000] [--connections 32]
                                  [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
                                  [--processes 2]       # carrier serve processes
                                  [--profile-dir DIR]   # py-spy raw stacks per phase and process
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import platform
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import _path  # noqa: F401  # first: the project's packages before bench/'s scripts of the same names
import aiohttp
from _benchdb import BenchDatabase, Registrations, bench_database
from _rawfloor import batch_floor
from _regkit import SINK_PATH, Load, event_loop, machine, prepare, records, serve_baseline
from _servers import Profiler, cpu_seconds, free_port, machine_busy, start, stop, wait_ready

from carrier_gateway.client import _dumps
from carrier_gateway.signing import signed_headers
from provisioning.privacy.keyring import ENV_VAR, Keyring, new_keyring

GOALS = {"batch": 20_000.0, "single": 3_000.0, "p99_ms": 50.0}
#: the lower targets that hold where the work floor shows one core cannot reach the batch goal
FALLBACK = {"batch": 10_000.0, "single": 2_000.0, "p99_ms": 50.0}
RATE_LIMIT = "0"  # CARRIER_RATE_LIMIT for the bench: 0 switches the per-enterprise limit off


async def run_batches(bases: list[str], key_id: str, secret: str, bodies: list[bytes], concurrency: int) -> Load:
    """POST every body to the batch endpoint, ``concurrency`` in flight, each to the next server in turn."""
    load = Load()
    queue = list(reversed(bodies))
    turn = itertools.cycle(bases)
    path = "/v1/registrations/batch"
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency),
                                     timeout=aiohttp.ClientTimeout(total=600)) as session:
        async def worker() -> None:
            while queue:
                body, base = queue.pop(), next(turn)
                headers = {**signed_headers(key_id, secret, "POST", path, body), "Content-Type": "application/json"}
                t0 = time.perf_counter()
                async with session.post(base + path, data=body, headers=headers) as resp:
                    await resp.read()
                    load.add(resp.status, time.perf_counter() - t0)

        load.start = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        load.end = time.monotonic()
    return load


async def run_singles(bases: list[str], key_id: str, secret: str, bodies: list[bytes], connections: int) -> Load:
    """POST the bodies one by one over ``connections`` keep-alive connections, spread over the servers."""
    load = Load()
    path = "/v1/registrations"
    it = iter(bodies)
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=connections),
                                     timeout=aiohttp.ClientTimeout(total=120)) as session:
        async def worker(base: str) -> None:
            for body in it:
                headers = {**signed_headers(key_id, secret, "POST", path, body), "Content-Type": "application/json"}
                t0 = time.perf_counter()
                async with session.post(base + path, data=body, headers=headers) as resp:
                    await resp.read()
                    load.add(resp.status, time.perf_counter() - t0)

        load.start = time.monotonic()
        await asyncio.gather(*(worker(bases[n % len(bases)]) for n in range(connections)))
        load.end = time.monotonic()
    return load


async def bench(args: argparse.Namespace, work: Path, database: BenchDatabase) -> None:
    keyring = new_keyring()
    n_batch, n_single = args.batches * args.batch_size, args.singles
    base_port, ports = free_port(), [free_port() for _ in range(args.processes)]
    callback = f"http://127.0.0.1:{base_port}{SINK_PATH}" if args.webhooks else None
    print(f"preparing {n_batch + n_single:,} cards and records in {database.where} ...", file=sys.stderr)
    key_id, secret, iccids = await prepare(database.url, keyring, n_batch + n_single, callback)
    recs = records(iccids, seed=args.seed)
    batch_bodies = [_dumps({"records": recs[i:i + args.batch_size]}) for i in range(0, n_batch, args.batch_size)]
    single_bodies = [_dumps(r) for r in recs[n_batch:]]

    env = {**os.environ, ENV_VAR: keyring.to_json(), "CARRIER_RATE_LIMIT": RATE_LIMIT,
           "CARRIER_WORKERS": str(args.workers), "CARRIER_DATABASE_URL": database.url}
    carrier = str(Path(sys.executable).parent / "carrier")
    baseline = start([sys.executable, str(Path(__file__).resolve()), "--serve-baseline", str(base_port)],
                     base_port, env, work / "baseline.log")
    ours = [start([carrier, "serve", "--sandbox", "--port", str(port)], port, env, work / f"serve-{n}.log")
            for n, port in enumerate(ports, 1)]
    profiler = Profiler(args.profile_dir, ours)
    polls = Registrations(database.url)
    try:
        base_url, our_urls = [baseline.url], [server.url for server in ours]
        await wait_ready([baseline], "/healthz")
        await wait_ready(ours, "/readyz")
        print("measuring ...", file=sys.stderr)
        b_batch = await run_batches(base_url, key_id, secret, batch_bodies, args.batch_concurrency)
        profiler.begin("batch")
        cpu0, machine0, client0 = cpu_seconds(ours), machine_busy(), time.process_time()
        o_batch = await run_batches(our_urls, key_id, secret, batch_bodies, args.batch_concurrency)
        decided_at = await polls.until_decided() if args.workers else time.monotonic()
        _measured(o_batch, cpu_seconds(ours) - cpu0, machine0, client0)
        profiler.end()
        b_single = await run_singles(base_url, key_id, secret, single_bodies, args.connections)
        profiler.begin("single")
        cpu0, machine0, client0 = cpu_seconds(ours), machine_busy(), time.process_time()
        o_single = await run_singles(our_urls, key_id, secret, single_bodies, args.connections)
        profiler.end()
        single_decided_at = await polls.until_decided() if args.workers else time.monotonic()
        _measured(o_single, cpu_seconds(ours) - cpu0, machine0, client0)
        outcomes = await polls.outcomes()
    finally:
        profiler.end()
        await polls.close()
        for server in (*ours, baseline):
            stop(server)
    for name, load in (("carrier batch", o_batch), ("carrier single", o_single), ("baseline batch", b_batch),
                       ("baseline single", b_single)):
        if load.errors:
            raise SystemExit(f"{name}: {load.errors} answers were not 2xx: {load.statuses}")
    floor = None
    if database.backend.startswith("SQLite") and args.floor:
        print("measuring the storage floor and the work floor (raw sqlite3) ...", file=sys.stderr)
        floor = (await storage_floor(work, keyring, n_batch, args),
                 await storage_floor(work, keyring, n_batch, args, work_too=True))
    report(args, database, n_batch, n_single, b_batch, o_batch, decided_at, b_single, o_single, single_decided_at,
           floor)
    print(f"outcomes: {outcomes}")


def _measured(load: Load, server_cpu: float, machine0: tuple[float, float], client0: float) -> None:
    """The CPU a phase used, from the readings taken as it started: the servers', the
    whole machine's and the load generator's (its polling for the verdicts included)."""
    busy, every = machine_busy()
    load.cpu = server_cpu
    load.machine_busy, load.machine_all = busy - machine0[0], every - machine0[1]
    load.client_cpu = time.process_time() - client0


async def storage_floor(work: Path, keyring: Keyring, n_batch: int, args: argparse.Namespace, *,
                        work_too: bool = False) -> tuple[float, dict[str, float]]:
    """bench/_rawfloor.py on a fresh file prepared as the server's was (``work_too``:
    the work floor)."""
    path = work / ("work-floor.db" if work_too else "floor.db")
    _key_id, _secret, iccids = await prepare(f"sqlite+aiosqlite:///{path}", keyring, n_batch)
    recs = records(iccids, seed=args.seed)
    bodies = [_dumps({"records": recs[i:i + args.batch_size]}) for i in range(0, n_batch, args.batch_size)]
    return batch_floor(str(path), keyring, bodies, enterprise_id=1, work=work_too)  # the file's one enterprise


def report(args: argparse.Namespace, database: BenchDatabase, n_batch: int, n_single: int, b_batch: Load,
           o_batch: Load, decided_at: float, b_single: Load, o_single: Load, single_decided_at: float,
           floor: tuple[tuple[float, dict[str, float]], tuple[float, dict[str, float]]] | None = None) -> None:
    e2e = n_batch / (decided_at - o_batch.start)
    single_e2e = n_single / (single_decided_at - o_single.start)
    singles, p99 = n_single / o_single.seconds, o_single.p(99)
    rows = [
        ("batch records/s accepted", n_batch / b_batch.seconds, n_batch / o_batch.seconds, GOALS["batch"]),
        ("batch records/s accepted+verified", None, e2e, GOALS["batch"]),
        (f"single pushes/s ({args.connections} conns)", n_single / b_single.seconds, singles, GOALS["single"]),
        ("single p50 ms", b_single.p(50), o_single.p(50), None),
        ("single p99 ms", b_single.p(99), p99, GOALS["p99_ms"]),
        ("single pushes/s accepted+verified", None, single_e2e, None),
        ("server CPU us/record, batch (all)", None, o_batch.cpu / n_batch * 1e6, None),
        ("server CPU us/push, single (all)", None, o_single.cpu / n_single * 1e6, None),
    ]
    processes = f"{args.processes} `carrier serve` process{'es' if args.processes > 1 else ''}"
    if args.processes > 1:
        processes += " on the same database (batches in turn, each connection to one of them)"
    if database.backend.startswith("SQLite"):
        storage = f"synchronous={os.environ.get('CARRIER_SQLITE_SYNCHRONOUS', 'NORMAL').upper()} (WAL)"
    else:
        storage = "a database created for the run"
    print(f"machine: {machine()}; load average at the end {os.getloadavg()[0]:.1f} (other work skews figures)")
    print(f"python {platform.python_version()}, {database.backend}, aiohttp {aiohttp.__version__}")
    print(f"backend: {database.backend.split()[0]}, {storage}; {processes}; "
          f"event loop {event_loop()}; "
          "baseline: one bare aiohttp process on the same loop")
    print(f"CARRIER_RATE_LIMIT={RATE_LIMIT} (per-enterprise rate limit switched off for the bench), "
          f"CARRIER_WORKERS={args.workers} per process, sandbox identity authority, "
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
    cores = os.cpu_count() or 1
    for phase, load in (("batch", o_batch), ("single", o_single)):
        rest = load.machine_busy - load.cpu - load.client_cpu  # the database server's, on PostgreSQL
        print(f"machine CPU while the {phase} phase was measured, % of its {cores} cores: busy "
              f"{load.share(load.machine_busy):.0f}% (carrier serve {load.share(load.cpu):.0f}%, load generator "
              f"{load.share(load.client_cpu):.0f}%, everything else {load.share(rest):.0f}%)")
    work = None
    if floor is not None:
        (storage, _), (work, parts) = floor
        print(f"storage floor, batch path: raw sqlite3 writing and reading what {n_batch:,} registrations need "
              f"(bench/_rawfloor.py, same records, same machine, servers stopped): {storage:,.0f} records/s; "
              f"carrier accepted+verified / floor = {e2e / storage:.2f}")
        print(f"work floor, batch path: the same with the records' own work called directly on one core "
              f"(schema, rows sealed and indexed, the checks): {work:,.0f} records/s, {1e6 / work:.0f} us a record "
              f"(in that run: the database's statements {parts['statements']:.0f}, the schema {parts['schema']:.0f}, "
              f"the rows {parts['rows']:.0f}, the checks {parts['checks']:.0f}); "
              f"carrier accepted+verified / work floor = {e2e / work:.2f}")
    if database.backend.startswith("SQLite") and args.processes == 1:
        print(targets(e2e, singles, p99, work))


def targets(batch: float, singles: float, p99_ms: float, work_floor: float | None) -> str:
    """One line: the goals (SQLite, one process) met or not, and, where the work floor
    shows that one core cannot reach the batch goal, the fallback targets met or not."""
    def check(aims: dict[str, float]) -> tuple[bool, str]:
        parts = [(batch >= aims["batch"], f"batch {batch:,.0f} of {aims['batch']:,.0f} records/s accepted+verified"),
                 (singles >= aims["single"] and p99_ms < aims["p99_ms"],
                  f"single pushes {singles:,.0f} of {aims['single']:,.0f}/s with p99 {p99_ms:.1f} ms "
                  f"(under {aims['p99_ms']:.0f})")]
        return all(ok for ok, _ in parts), "; ".join(f"{text}: {'met' if ok else 'not met'}" for ok, text in parts)

    met, said = check(GOALS)
    if met:
        return f"targets: the goals are met ({said})"
    line = f"targets: the goals are not met ({said})"
    if work_floor is None:
        return line + "; without the work floor (--no-floor) the fallback cannot be judged"
    if work_floor >= GOALS["batch"]:
        return line + f"; the work floor ({work_floor:,.0f} records/s) does not rule out the batch goal"
    met, said = check(FALLBACK)
    line += (f"; the work floor ({work_floor:,.0f} records/s) is below the batch goal, so the fallback "
             f"applies and is {'met' if met else 'not met'} ({said})")
    if not met and work_floor < FALLBACK["batch"]:
        line += (f"; the work floor is below the fallback's {FALLBACK['batch']:,.0f} batch records/s as well: "
                 "on this machine one process cannot meet the fallback either")
    return line


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


@contextlib.contextmanager
def work_directory(keep: str | None) -> Iterator[Path]:
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        yield Path(keep)
    else:
        with tempfile.TemporaryDirectory(prefix="regbench") as tmp:
            yield Path(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url",
                        help="sqlite:///FILE (a fresh file) or postgresql://USER@HOST:PORT/DB (a server on which "
                             "a database is created for the run and dropped after); default: a SQLite file in "
                             "the work directory")
    parser.add_argument("--processes", type=int, default=1, help="carrier serve processes on the database")
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--batch-concurrency", type=int, default=2)
    parser.add_argument("--singles", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="verification workers of each server")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--webhooks", action="store_true",
                        help="give the OEM a callback URL (a sink beside the baseline): every decision also "
                             "writes an outbox event that the server delivers while it is measured")
    parser.add_argument("--keep", help="work in this directory and keep it (database, server logs); a "
                                       "PostgreSQL database is kept too")
    parser.add_argument("--profile-dir", help="record py-spy raw stacks of the servers per phase here")
    parser.add_argument("--no-floor", dest="floor", action="store_false",
                        help="skip the storage floor (SQLite: raw sqlite3 doing the batch path's database work)")
    parser.add_argument("--serve-baseline", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        serve_baseline(args.serve_baseline)
        return
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    # SIGTERM ends the run as Ctrl-C does: servers stopped, a PostgreSQL database dropped
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        with work_directory(args.keep) as work, \
                bench_database(args.database_url, work, keep=bool(args.keep)) as database:
            asyncio.run(bench(args, work, database))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()

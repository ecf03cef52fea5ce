"""Run every benchmark in bench/ at its standard size and write BENCHMARKS.md with their
figures, the baselines each measured in the same run, the ratios, and the machine.

    python bench/run_all.py [--output BENCHMARKS.md] [--only NAME ...] [--quick]

Sections below the line KEPT_MARKER in the output file (profiles by step, measured by
hand with bench/profile_steps.py) are kept as they are.

Each benchmark is its own process (so one's memory or event loop never colours
another's); its printed table is kept verbatim. --quick runs smaller sizes (a smoke
test of the scripts, not figures to quote).

The registrations bench also runs on PostgreSQL, with one and with two `carrier serve`
processes, on the server named by CARRIER_BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/postgres; the bench creates its own database there
and drops it). If no server answers there, BENCHMARKS.md says so in those sections and
the other benchmarks still count.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
#: everything after this line in the output file is kept when the figures are rewritten
KEPT_MARKER = "<!-- kept by run_all.py: sections below are measured by hand -->"
POSTGRES_ENV, POSTGRES_DEFAULT = "CARRIER_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
#: bench/registrations.py's exit status when the PostgreSQL server cannot be reached
UNREACHABLE = os.EX_UNAVAILABLE


class Bench(NamedTuple):
    script: str  #: bench/SCRIPT.py
    what: str  #: what it measures
    standard: list[str]  #: arguments at the standard size
    quick: list[str]  #: arguments with --quick
    postgres: bool = False  #: also gets --database-url with the PostgreSQL server


_REG = "OEM registration pushes over HTTP (batch and single)"
_REG_QUICK = ["--batches", "3", "--singles", "1000"]
BENCHMARKS: dict[str, Bench] = {
    "numbering": Bench("numbering", "number-block, prefix and address allocation latency versus pool size and "
                       "fragmentation, beside a naive netaddr IPSet allocator",
                       [], ["--sizes", "0,1000,10000", "--repeat", "5", "--naive-budget", "0.5"]),
    "issuance": Bench("issuance", "bulk card issuance into SQLite beside raw sqlite3 executemany of the same rows",
                      [], ["--count", "20000"]),
    "registrations": Bench("registrations", f"{_REG} on SQLite, one `carrier serve` process, beside a bare "
                           "aiohttp handler", [], _REG_QUICK),
    "registrations-postgres-1": Bench(
        "registrations", f"{_REG} on PostgreSQL, one `carrier serve` process, beside a bare aiohttp handler",
        ["--processes", "1"], ["--processes", "1", *_REG_QUICK], postgres=True),
    "registrations-postgres-2": Bench(
        "registrations", f"{_REG} on PostgreSQL, two `carrier serve` processes sharing the database (requests "
        "spread across them), beside the same one-process bare aiohttp handler",
        ["--processes", "2"], ["--processes", "2", *_REG_QUICK], postgres=True),
    "radius": Bench("radius", "RADIUS Access-Requests answered per second by `carrier serve --radius-auth-port` "
                    "(SQLite, hot path), from a client in another process, beside a bare asyncio UDP echo of the "
                    "same packets", [], ["--cards", "200", "--requests", "2000"]),
    "privacy": Bench("privacy", "key rotation, audit verification/export and retention beside in-memory baselines",
                     [], ["--registrations", "2000", "--entries", "5000"]),
}


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines()
                       if ln.startswith("MemTotal")).split()[1])
        mem = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores{mem}",
        f"- OS: {platform.system()} {platform.release()} ({platform.machine()})",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
    ]


def run_one(script: str, args: list[str]) -> tuple[int, str, str, float]:
    """Exit status, stdout, the end of stderr and the seconds taken."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(HERE / f"{script}.py"), *args], capture_output=True, text=True,
                          cwd=HERE.parent, timeout=3600)
    return proc.returncode, proc.stdout.rstrip(), proc.stderr.strip()[-2000:], time.perf_counter() - start


def without_password(url: str) -> str:
    """The URL as BENCHMARKS.md may show it."""
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(HERE.parent / "BENCHMARKS.md"))
    parser.add_argument("--only", nargs="*", choices=list(BENCHMARKS), default=None)
    parser.add_argument("--quick", action="store_true", help="small sizes: check the scripts run")
    args = parser.parse_args()
    names = args.only or list(BENCHMARKS)
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    parts = ["# Benchmarks", "",
             f"Written by `python bench/run_all.py{' --quick' if args.quick else ''}` on {when}. "
             "Every figure has its baseline measured in the same run on the same machine; "
             "the ratios are what to compare across machines.", "", "## Machine", "", *machine(), ""]
    postgres = os.environ.get(POSTGRES_ENV, POSTGRES_DEFAULT)
    unreachable = ""  # why the PostgreSQL server could not be used, once a run found out
    failed = 0
    for name in names:
        bench = BENCHMARKS[name]
        bench_args = bench.quick if args.quick else bench.standard
        shown = " ".join(bench_args)
        if bench.postgres:
            bench_args = ["--database-url", postgres, *bench_args]
            shown = " ".join(["--database-url", without_password(postgres), shown])
        if bench.postgres and unreachable:
            parts += [f"## {name}", "", f"{bench.what}. Not run: {unreachable}", ""]
            continue
        print(f"running bench/{bench.script}.py {shown} ...", file=sys.stderr, flush=True)
        code, output, errors, elapsed = run_one(bench.script, bench_args)
        print(f"  done in {elapsed:.0f} s (exit {code})", file=sys.stderr, flush=True)
        if bench.postgres and code == UNREACHABLE:
            unreachable = (f"{errors.splitlines()[-1] if errors else 'no PostgreSQL server'} "
                           f"(set {POSTGRES_ENV} to a server where the bench may create a database).")
            print(f"  not run: {unreachable}", file=sys.stderr)
            parts += [f"## {name}", "", f"{bench.what}. Not run: {unreachable}", ""]
            continue
        failed += code != 0
        if code != 0:
            output += f"\n\n(exit status {code})\n{errors}"
        parts += [f"## {name}", "", f"{bench.what}. `python bench/{bench.script}.py {shown}` took {elapsed:.0f} s.",
                  "", "```", output, "```", ""]
    out = Path(args.output)
    if out.exists():  # sections written by hand (profiles) below the marker stay
        kept = out.read_text(encoding="utf-8").partition(KEPT_MARKER)
        if kept[1]:
            parts += ["", KEPT_MARKER + kept[2].rstrip("\n"), ""]
    out.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Run every benchmark in bench/ at its standard size and write BENCHMARKS.md with their
figures, the baselines each measured in the same run, the ratios, and the machine.

    python bench/run_all.py [--output BENCHMARKS.md] [--only NAME ...] [--quick]

Each benchmark is its own process (so one's memory or event loop never colours
another's); its printed table is kept verbatim. --quick runs smaller sizes (a smoke
test of the scripts, not figures to quote).
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
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: name -> (what it measures, arguments at the standard size, arguments with --quick)
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "numbering": ("number-block, prefix and address allocation latency versus pool size and fragmentation, "
                  "beside a naive netaddr IPSet allocator",
                  [], ["--sizes", "0,1000,10000", "--repeat", "5", "--naive-budget", "0.5"]),
    "issuance": ("bulk card issuance into SQLite beside raw sqlite3 executemany of the same rows",
                 [], ["--count", "20000"]),
    "registrations": ("OEM registration pushes over HTTP (batch and single) beside a bare aiohttp handler",
                      [], ["--batches", "3", "--singles", "1000"]),
    "privacy": ("key rotation, audit verification/export and retention beside in-memory baselines",
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


def run_one(name: str, args: list[str]) -> tuple[int, str, float]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, str(HERE / f"{name}.py"), *args], capture_output=True, text=True,
                          cwd=HERE.parent, timeout=3600)
    elapsed = time.perf_counter() - start
    output = proc.stdout.rstrip()
    if proc.returncode != 0:
        output += f"\n\n(exit status {proc.returncode})\n{proc.stderr.strip()[-2000:]}"
    return proc.returncode, output, elapsed


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
    failed = 0
    for name in names:
        what, standard, quick = BENCHMARKS[name]
        print(f"running bench/{name}.py ...", file=sys.stderr, flush=True)
        code, output, elapsed = run_one(name, quick if args.quick else standard)
        failed += code != 0
        print(f"  done in {elapsed:.0f} s (exit {code})", file=sys.stderr, flush=True)
        parts += [f"## {name}", "", f"{what}. `python bench/{name}.py {' '.join(quick if args.quick else standard)}`"
                  f" took {elapsed:.0f} s.", "", "```", output, "```", ""]
    Path(args.output).write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

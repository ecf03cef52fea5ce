"""Where a registration's server CPU goes, step by step, from py-spy stacks.

`bench/registrations.py --profile-dir DIR` records the server's stacks per phase (only
threads holding the GIL: each sample is CPU spent in Python or in C called from it).
This script gives each sample to one step -- the deepest frame that names a step wins,
so the encryption inside acceptance counts as encryption, the SQL under the audit trail
as audit -- and prints each step's share and, given the measured server CPU per record,
its microseconds per record.

    python bench/profile_steps.py DIR/single.txt --cpu-us 1400 [--other]
"""

from __future__ import annotations

import argparse
import collections
import re
from pathlib import Path

#: (step, frame pattern): a frame is "function (path:line)"; patterns match path or function
STEPS: list[tuple[str, str]] = [
    ("HTTP parsing and answering (aiohttp)", r"aiohttp/|jsonio\.py|middleware\.py|logs\.py"),
    ("routing and schema validation", r"routing\.py|request_checks\.py|pydantic|problems\.py"),
    ("authentication (key, nonce, rate limit)", r"oem_auth\.py|nonces\.py|ratelimit\.py|signing\.py|fleet\.py"
                                                 r"|uploads\.py|credentials\.py"),
    ("acceptance: INSERTs (group commit)", r"registrations/accept\.py|registrations/intake\.py|batching\.py"
                                           r"|registrations/handoff\.py"),
    ("encryption and blind index", r"Keyring\.(encrypt|blind_index|keyed_digest|encrypt_json)"),
    ("decryption (verifier)", r"Keyring\.decrypt"),
    ("document checks", r"provisioning/documents/|registrations/rules\.py|stdnum/"),
    ("audit trail", r"provisioning/audit/"),
    ("verification: claim, bindings, decide", r"registrations/(verify|decide|queue|context)\.py"),
    ("card update", r"provisioning/cards/"),
    ("outbox", r"provisioning/outbox/"),
    ("webhook delivery", r"carrier_gateway/webhooks\.py"),
    # (a statement run inline by sqlitedriver.py counts for the step that issued it)
    ("SQLite commit and checkpoint", r"Checkpointer\.|Connection\.commit|_commit_impl"),
    ("job ingestion", r"provisioning/jobs/|jobs_worker\.py"),
]
_COMPILED = [(name, re.compile(pattern)) for name, pattern in STEPS]


#: samples under no step: what they are spent on, by the deepest frame that says
FALLBACKS: list[tuple[str, str]] = [
    ("database connections and transactions (SQLAlchemy, drivers)", r"sqlalchemy/|aiosqlite/|asyncpg/"),
    ("event loop and the rest", r""),
]
_FALLBACKS = [(name, re.compile(pattern)) for name, pattern in FALLBACKS]


def step_of(frames: list[str]) -> str:
    for table in (_COMPILED, _FALLBACKS):
        for frame in reversed(frames):
            for name, pattern in table:
                if pattern.search(frame):
                    return name
    return FALLBACKS[-1][0]


def shares(path: Path) -> tuple[int, collections.Counter[str]]:
    total, by_step = 0, collections.Counter[str]()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        total += int(count)
        by_step[step_of(stack.split(";"))] += int(count)
    return total, by_step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stacks", type=Path, nargs="+", help="py-spy raw files (several: summed)")
    parser.add_argument("--cpu-us", type=float, help="measured server CPU per record, microseconds")
    args = parser.parse_args()
    total, by_step = 0, collections.Counter[str]()
    for path in args.stacks:
        n, steps = shares(path)
        total += n
        by_step.update(steps)
    print(f"| step | share | {'us/record' if args.cpu_us else ''} |")
    print("|---|---:|---:|")
    for name, _ in [*STEPS, *FALLBACKS]:
        part = by_step.get(name, 0) / total if total else 0.0
        us = f"{part * args.cpu_us:,.0f}" if args.cpu_us else ""
        print(f"| {name} | {100 * part:.1f}% | {us} |")
    print(f"\n{total:,} samples")


if __name__ == "__main__":
    main()

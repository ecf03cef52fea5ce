"""Server CPU per registration record on the batch path, in process (no HTTP), by phase.

The same work a `carrier serve` does for `POST /v1/registrations/batch` and for its
verification worker, without aiohttp, signing or the network, so the figures are
reproducible on a shared machine and each phase can be profiled on its own:

* schema validation: the batch body as the router validates it (``BatchIn`` from the
  raw JSON), then the records as ``push_batch`` validates them;
* acceptance: ``prepare`` then ``accept_and_record`` in one write transaction per batch
  (as push_batch), the rows handed to the verifier as a server's are (``--no-handoff``:
  through the queue, as another process's rows are);
* verification: ``Verifier.step()`` until the queue is empty, split into claim,
  check (decrypt and the pure document checks), authority (the sandbox), and
  decide+write (lock, still-ours, cards, bindings, decide, the UPDATEs, card drafts,
  outbox, audit), plus what is left of the step (its transactions: BEGIN, COMMIT).

Times are ``time.process_time`` (CPU of this process, all threads) per record, or with
``VERIFY_STEPS_CLOCK=thread`` the event loop's thread alone (SQLite's statements run
on it too, all but a BEGIN that waits for another process: carrier_gateway/sqlitedriver.py;
only WAL checkpoints run elsewhere). The
database is a fresh SQLite file prepared like bench/registrations.py (one OEM, cards,
one valid record per card). ``--profile PHASE`` runs cProfile over that phase and
prints the top functions by own time (tottime).

    python bench/verify_steps.py [--batches 10] [--batch-size 1000] [--rounds 3] [--freeze]
                                 [--webhooks] [--no-handoff] [--profile accept|verify|schema]
                                 [--top 40] [--sort tottime]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import cProfile
import functools
import gc
import io
import os
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import _path  # noqa: F401  # first: the project's packages before bench/'s scripts of the same names
import _regkit
import orjson

from carrier_gateway.api import oem_registrations
from carrier_gateway.api.oem_models import BatchIn
from carrier_gateway.db import Database
from carrier_gateway.serving import settle_garbage_collector
from provisioning.privacy.keyring import new_keyring
from provisioning.registrations import accept as accepting
from provisioning.registrations import intake, verify
from provisioning.registrations.authority import SandboxAuthority
from provisioning.registrations.handoff import Handoff
from provisioning.registrations.intake import accept_and_record

_CLOCK = time.thread_time if os.environ.get("VERIFY_STEPS_CLOCK") == "thread" else time.process_time


class Clock:
    """CPU seconds per named phase; nested phases are also counted in their parent."""

    def __init__(self) -> None:
        self.cpu: collections.Counter[str] = collections.Counter()
        #: the top-level phase running now (for the garbage collector's share)
        self.current = ""

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self.current = name
        t0 = _CLOCK()
        try:
            yield
        finally:
            self.cpu[name] += _CLOCK() - t0
            self.current = ""

    def wrap_async(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        async def timed(*args: Any, **kw: Any) -> Any:
            t0 = _CLOCK()
            try:
                return await fn(*args, **kw)
            finally:
                self.cpu[name] += _CLOCK() - t0
        return timed

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kw: Any) -> Any:
            t0 = _CLOCK()
            try:
                return fn(*args, **kw)
            finally:
                self.cpu[name] += _CLOCK() - t0
        return timed


#: verify-module names timed inside a step: (label, attribute of provisioning.registrations.verify, async)
_VERIFY_PARTS: list[tuple[str, str, bool]] = [
    ("verify.decide+write.load_cards", "load_cards", True),
    ("verify.decide+write.bindings", "load_bindings", True),
    ("verify.decide+write.decide", "decide", False),
    ("verify.decide+write.write_drafts", "write_drafts", True),
    ("verify.decide+write.outbox", "enqueue_many", True),
    ("verify.decide+write.audit", "record", True),
]


@contextlib.contextmanager
def instrumented(clock: Clock) -> Iterator[None]:
    """Time the verifier's parts by wrapping what ``verify`` calls (restored after)."""
    saved: list[tuple[Any, str, Any]] = []

    def patch(owner: Any, attr: str, new: Any) -> None:
        saved.append((owner, attr, getattr(owner, attr)))
        setattr(owner, attr, new)

    patch(accepting, "build_row", clock.wrap("accept.build_row", accepting.build_row))
    patch(accepting, "_write_records", clock.wrap_async("accept.insert", accepting._write_records))
    patch(intake, "record", clock.wrap_async("accept.audit", intake.record))
    V = verify.Verifier
    patch(verify.queue, "claim", clock.wrap_async("verify.claim", verify.queue.claim))
    patch(V, "_check", clock.wrap("verify.check", V._check))
    patch(V, "_ask_authority", clock.wrap_async("verify.authority", V._ask_authority))
    patch(V, "_decide_and_write", clock.wrap_async("verify.decide+write", V._decide_and_write))
    patch(V, "_write", clock.wrap_async("verify.decide+write.updates+drafts+outbox+audit", V._write))
    for label, attr, is_async in _VERIFY_PARTS:
        if hasattr(verify, attr):
            fn = getattr(verify, attr)
            patch(verify, attr, clock.wrap_async(label, fn) if is_async else clock.wrap(label, fn))
    try:
        yield
    finally:
        for owner, attr, old in reversed(saved):
            setattr(owner, attr, old)


async def prepared(work: Path, n: int, webhooks: bool) -> tuple[str, Any, list[dict[str, Any]]]:
    url = f"sqlite+aiosqlite:///{work / 'verify.db'}"
    keyring = new_keyring()
    callback = "http://127.0.0.1:9/carrier-events" if webhooks else None
    _key_id, _secret, iccids = await _regkit.prepare(url, keyring, n, callback)
    return url, keyring, _regkit.records(iccids, seed=1)


async def one_round(args: argparse.Namespace, clock: Clock, profiler: cProfile.Profile | None) -> dict[str, Any]:
    n = args.batches * args.batch_size
    with tempfile.TemporaryDirectory(prefix="verifysteps") as tmp:
        url, keyring, recs = await prepared(Path(tmp), n, args.webhooks)
        bodies = [orjson.dumps({"records": recs[i:i + args.batch_size]}) for i in range(0, n, args.batch_size)]
        del recs
        if args.freeze:
            settle_garbage_collector()
        db = Database(url)
        handoff = Handoff(lease_seconds=60) if not args.no_handoff else None
        verifier = verify.Verifier(write=db.write, keyring=keyring, authority=SandboxAuthority(),
                                   linger_seconds=0.0, handoff=handoff)
        enterprise_id = 1
        outcomes: collections.Counter[str] = collections.Counter()
        try:
            @contextlib.contextmanager
            def prof(phase: str) -> Iterator[None]:
                if profiler is None or args.profile != phase:
                    yield
                    return
                profiler.enable()
                try:
                    yield
                finally:
                    profiler.disable()

            with instrumented(clock):
                for body in bodies:
                    with clock.phase("schema"), prof("schema"):
                        parsed = BatchIn.model_validate_json(body)  # what the router does
                        _results, items, _positions = oem_registrations.validate_batch(enterprise_id, parsed)
                    with clock.phase("accept"), prof("accept"):
                        rows = (handoff.prepare(keyring, items) if handoff is not None
                                else accepting.prepare(keyring, items))
                        async with db.write() as conn:
                            accepted = await accept_and_record(conn, rows, via="batch", actor="oem:bench")
                        if handoff is not None:
                            handoff.give(rows, accepted)
                    assert all(isinstance(a, tuple) for a in accepted), accepted[:3]
                while True:
                    with clock.phase("verify"), prof("verify"):
                        result = await verifier.step()
                    if not result.claimed:
                        break
                    outcomes["verified"] += result.verified
                    outcomes["rejected"] += result.rejected
                    outcomes["deferred"] += result.deferred
                    outcomes["failed"] += result.failed
        finally:
            await db.dispose()
    return dict(outcomes)


def report(args: argparse.Namespace, rounds: list[Clock], outcomes: dict[str, Any]) -> None:
    n = args.batches * args.batch_size
    names = list(dict.fromkeys(name for clock in rounds for name in clock.cpu))

    def us(name: str) -> float:
        return statistics.median(clock.cpu.get(name, 0.0) for clock in rounds) / n * 1e6

    order = ["schema", "accept", "accept.build_row", "accept.insert", "accept.audit",
             "verify", "verify.claim", "verify.check", "verify.authority", "verify.decide+write",
             *sorted(x for x in names if x.startswith("verify.decide+write."))]
    print(f"{n:,} records ({args.batches} batches of {args.batch_size}), median of {len(rounds)} rounds, "
          f"CPU us/record ({_CLOCK.__name__}); outcomes of the last round: {outcomes}")
    print("| phase | us/record |")
    print("|---|---:|")
    for name in order:
        if name not in names and name not in ("schema", "accept", "verify"):
            continue
        depth = name.count(".")
        label = ("  " * depth) + name.rsplit(".", 1)[-1] if depth else name
        print(f"| {label} | {us(name):.1f} |")
    parts = ("verify.claim", "verify.check", "verify.authority", "verify.decide+write")
    rest = statistics.median(
        clock.cpu["verify"] - sum(clock.cpu[p] for p in parts) for clock in rounds) / n * 1e6
    print(f"|   rest of the step (transactions, commits) | {rest:.1f} |")
    total = us("schema") + us("accept") + us("verify")
    print(f"| **total (schema + accept + verify)** | **{total:.1f}** |")
    print("| of which the garbage collector: " + ", ".join(f"{p} {us('gc in ' + p):.1f}" for p in
                                                        ("schema", "accept", "verify")) + " | |")


class GcClock:
    """CPU seconds the cyclic garbage collector took inside each measured top-level phase
    (already part of that phase's figure)."""

    def __init__(self) -> None:
        self.clock: Clock | None = None
        self._t0 = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._t0 = _CLOCK()
        elif self.clock is not None and self.clock.current:
            self.clock.cpu[f"gc in {self.clock.current}"] += _CLOCK() - self._t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3, help="fresh databases measured; the median is shown")
    parser.add_argument("--webhooks", action="store_true", help="the OEM has a callback URL (outbox events)")
    parser.add_argument("--no-handoff", action="store_true",
                        help="verify through the queue only (as rows accepted by another process are)")
    parser.add_argument("--profile", choices=("schema", "accept", "verify"),
                        help="cProfile this phase (one round) and print the top functions by tottime")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--freeze", action="store_true",
                        help="settle the garbage collector once the data is prepared, as a server does after "
                             "start-up (gc.freeze and a larger young generation)")
    parser.add_argument("--sort", default="tottime", help="pstats sort key (tottime, cumulative...)")
    args = parser.parse_args()
    if args.profile:
        args.rounds = 1
    clocks, outcomes = [], {}
    profiler = cProfile.Profile() if args.profile else None
    gc_clock = GcClock()
    gc.callbacks.append(gc_clock)
    for _ in range(args.rounds):
        clock = Clock()
        gc_clock.clock = clock
        outcomes = asyncio.run(one_round(args, clock, profiler))
        clocks.append(clock)
    gc.callbacks.remove(gc_clock)
    report(args, clocks, outcomes)
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()

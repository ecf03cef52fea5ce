"""Background work for back-registration jobs: ingest chunks (any process may; claims
are leased), settle lines' outcomes into job counters, and sweep uploads whose process
died before answering them."""

from __future__ import annotations

import time
from collections.abc import Callable

from carrier_gateway.db import Database
from carrier_gateway.settings import Settings
from carrier_gateway.workers import Worker, Workers
from provisioning.jobs.ingest import Claim, Ingester, abandon_stale
from provisioning.jobs.settle import any_due, settle_step
from provisioning.privacy.keyring import Keyring

JOBS = "jobs"
SETTLE = "job-settle"
#: an upload still RECEIVING this long after its last write died with its process
STALE_UPLOAD_SECONDS = 3600


def add_job_workers(workers: Workers, db: Database, keyring: Keyring, settings: Settings,
                    *, on_created: Callable[[int], None] | None = None,
                    on_given_up: Callable[[Claim], None] | None = None) -> Ingester:
    """One ingesting worker per process (it is database-bound; N processes share the
    queue), one settling job outcomes and one sweeper; POST /v1/jobs/registrations wakes
    the ingester."""
    ingester = Ingester(write=db.write, keyring=keyring, lease_seconds=settings.job_lease_seconds,
                        on_created=on_created, on_given_up=on_given_up,
                        max_error_lines=settings.max_error_lines_per_job)

    async def sweep() -> int:
        async with db.write() as conn:
            await abandon_stale(conn, now_s=int(time.time()), older_than=STALE_UPLOAD_SECONDS)
        return 0

    async def settle() -> int:
        now_s = int(time.time())
        async with db.read() as conn:
            if not await any_due(conn, now_s=now_s):
                return 0
        async with db.write() as conn:
            return await settle_step(conn, now_s=now_s)

    workers.add(Worker(JOBS, ingester.step, idle_seconds=0.2, max_idle_seconds=2.0))
    workers.add(Worker(SETTLE, settle, idle_seconds=0.2, max_idle_seconds=1.0))
    workers.add(Worker("job-sweep", sweep, idle_seconds=300, max_idle_seconds=300))
    return ingester

"""`carrier jobs ...`: back-registration jobs uploaded by OEMs (progress, for operators)."""

# Domain, database, web and crypto modules are imported inside the functions that use them,
# so `carrier GROUP --help` loads none of them (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from carrier_gateway.commands.base import CarrierGroup, emit, run, table

if TYPE_CHECKING:
    from carrier_gateway.db import Database

STATUSES = ("RECEIVING", "RECEIVED", "INGESTING", "INGESTED", "COMPLETED", "ABANDONED")


@click.group("jobs", cls=CarrierGroup)
def jobs_group() -> None:
    """JSON Lines back-registration jobs: what was uploaded, how far ingestion and verification got."""


@jobs_group.command("list")
@click.option("--enterprise", "enterprise_id", type=int, help="Only this enterprise's jobs.")
@click.option("--status", type=click.Choice(STATUSES), help="Only jobs in this stored status.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="Newest N jobs.")
def jobs_list(enterprise_id: int | None, status: str | None, limit: int) -> None:
    """List jobs, newest first."""
    from provisioning.jobs.views import list_jobs

    async def go(db: Database) -> list[dict[str, Any]]:
        async with db.read() as conn:
            return (await list_jobs(conn, enterprise_id=enterprise_id, status=status, limit=limit)).items

    rows = run(go)
    emit({"items": rows}, lambda: table(rows, [
        ("job_id", "JOB"), ("enterprise_id", "ENTERPRISE"), ("status", "STATUS"), ("lines_received", "LINES"),
        ("lines_ingested", "INGESTED"), ("lines_invalid", "INVALID"), ("registrations_created", "NEW"),
        ("received_at", "RECEIVED")]))


@jobs_group.command("show")
@click.argument("job_id")
def jobs_show(job_id: str) -> None:
    """One job's progress, with its lines' registrations by status."""
    from provisioning.jobs.views import job_view

    async def go(db: Database) -> dict[str, Any]:
        async with db.read() as conn:
            return await job_view(conn, job_id, enterprise_id=None)

    view = run(go)

    def human() -> str:
        lines = [f"{k:22} {'-' if v is None else v}" for k, v in view.items() if k != "registrations"]
        lines += [f"registrations {k:8} {v}" for k, v in view["registrations"].items()]
        return "\n".join(lines)

    emit(view, human)


COMMANDS = [jobs_group]

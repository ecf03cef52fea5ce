"""Alembic environment: always handed a live connection by carrier_gateway.migrate."""

from __future__ import annotations

from alembic import context

from carrier_gateway.schema import all_metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running alembic by hand
    raise SystemExit("run migrations with `carrier init`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=all_metadata(),
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

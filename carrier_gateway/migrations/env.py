"""Alembic environment: always handed a live connection by carrier_gateway.migrate."""

from __future__ import annotations

from typing import Any

from alembic import context

from carrier_gateway.schema import all_metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running alembic by hand
    raise SystemExit("run migrations with `carrier init`, not the alembic command")

only: set[str] | None = context.config.attributes.get("include_tables")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """When generating one branch's revision, look only at that branch's tables."""
    if only is None:
        return True
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table in only


context.configure(
    connection=connection,
    target_metadata=all_metadata(),
    render_as_batch=True,
    compare_type=True,
    include_object=include_object,
)
with context.begin_transaction():
    context.run_migrations()

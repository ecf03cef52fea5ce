"""The SQL statements an engine sends to its database while a block runs."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


@contextlib.contextmanager
def statements_run(engine: AsyncEngine) -> Iterator[list[str]]:
    """A list that fills with each statement's text as the engine's connections run it."""
    seen: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)

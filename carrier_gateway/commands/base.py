"""CLI plumbing: global options on every command, output, the async runner, one-line errors."""

# The database, JSON and key modules are imported inside the functions that use them, so that
# loading a command module (for `carrier GROUP --help`) loads no database, web or crypto library.

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

from carrier_gateway.commands.options import (  # noqa: F401 - re-exported for the command modules
    CarrierCommand,
    CarrierGroup,
    CliState,
    state,
)
from carrier_gateway.settings import SettingsError
from numbering.errors import DomainError

if TYPE_CHECKING:
    from carrier_gateway.db import Database
    from provisioning.privacy.keyring import Keyring

T = TypeVar("T")


class CliFailure(click.ClickException):
    """A failure to report in one line on stderr, exit status 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.message}", err=True)


def emit(data: Any, human: str | Callable[[], str] | None = None) -> None:
    """JSON on stdout with --json; otherwise the human rendering (or indented JSON)."""
    from carrier_gateway.jsonio import dumps

    if state().as_json or human is None:
        sys.stdout.write(dumps(data, indent=not state().as_json).decode() + "\n")
        return
    click.echo(human() if callable(human) else human)


def table(rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    """A plain aligned text table; numbers right-aligned."""
    rows = list(rows)
    cells = [[_cell(r.get(key)) for key, _ in columns] for r in rows]
    heads = [h for _, h in columns]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(heads)]
    numeric = [all(_is_num(r.get(k)) for r in rows) and rows != [] for k, _ in columns]

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(parts).rstrip()

    out = [line(heads), "  ".join("-" * w for w in widths)]
    out += [line(c) for c in cells]
    if not rows:
        out.append("(none)")
    return "\n".join(out)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.1f}"
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="seconds") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def _is_num(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def run(fn: Callable[[Database], Awaitable[T]], *, require_schema: bool = True, **overrides: Any) -> T:
    """Open the database, run ``fn(db)``, dispose; errors become one-line CLI failures."""
    from carrier_gateway.db import Database

    settings = state().settings(**overrides)

    async def go() -> T:
        db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        try:
            await db.ping()
            if require_schema:
                await ensure_schema(db)
            return await fn(db)
        finally:
            await db.dispose()

    return asyncio.run(go())


def keyring() -> Keyring:
    """The master keyring named by the settings (one-line error if missing or too open)."""
    from provisioning.privacy.keyring import load_keyring

    return load_keyring(state().settings().master_key_path)


async def ensure_schema(db: Database) -> None:
    from carrier_gateway.db import describe
    from carrier_gateway.migrate import schema_state

    current = await schema_state(db)
    if not current.current:
        raise CliFailure(f"database {describe(db.url)} is not initialised: run `carrier init`")
    if not current.is_current:
        raise CliFailure(
            f"database schema is at revision {current.revision}, this release needs {current.head}: run `carrier init`"
        )


def one_line_error(exc: BaseException) -> str | None:
    """The message for an expected failure, or None if it is a bug."""
    from sqlalchemy.exc import DBAPIError, IntegrityError

    from carrier_gateway.db import DatabaseError, first_line
    from provisioning.privacy.keyring import KeyringError

    if isinstance(exc, DomainError):
        return exc.detail
    if isinstance(exc, (DatabaseError, SettingsError, KeyringError)):
        return str(exc)
    if isinstance(exc, IntegrityError):
        return "a concurrent change got there first; check the current state and retry"
    if isinstance(exc, DBAPIError):
        return f"database error: {first_line(exc)}"
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    return None


def command(name: str, **kwargs: Any) -> Callable[[Callable[..., Any]], click.Command]:
    """A top-level command that takes the global options too."""
    return click.command(name, cls=CarrierCommand, **kwargs)

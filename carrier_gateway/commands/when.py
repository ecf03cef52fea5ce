"""Date and time options of the CLI, read as the API reads its filters (provisioning.when)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import click

from provisioning import when


class WhenType(click.ParamType):
    """YYYY-MM-DD, or a datetime with or without an offset (naive = China time), as an
    aware UTC instant; a value out of range is a usage error naming the option."""

    name = "DATE|DATETIME"

    def __init__(self, instant: Callable[[when.When], dt.datetime]) -> None:
        self._read = when.reader(instant)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.datetime:
        try:
            return self._read(value)  # type: ignore[no-any-return]
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


#: --from: at or after (a date: from the start of that day, China time)
SINCE = WhenType(when.start)
#: --to: before (a date: through the end of that day)
UNTIL = WhenType(when.after)
#: --on, --now: as it stood then (a date: the end of that day)
AS_OF = WhenType(when.as_of)

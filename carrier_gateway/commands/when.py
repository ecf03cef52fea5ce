"""Date and time options of the CLI, read as the API reads its filters (provisioning.when)."""

# provisioning.when is imported when a value is read, not at import: it loads pydantic, and
# `carrier GROUP --help` loads no schema library (tests/unit/cli/test_light_cli.py).

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import click


class WhenType(click.ParamType):
    """YYYY-MM-DD, or a datetime with or without an offset (naive = China time), as an
    aware UTC instant; a value out of range is a usage error naming the option."""

    name = "DATE|DATETIME"

    def __init__(self, instant: Literal["start", "after", "as_of"]) -> None:
        self._instant = instant  # the function of provisioning.when that turns a value into an instant

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.datetime:
        from provisioning import when

        try:
            return when.reader(getattr(when, self._instant))(value)  # type: ignore[no-any-return]
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


#: --from: at or after (a date: from the start of that day, China time)
SINCE = WhenType("start")
#: --to: before (a date: through the end of that day)
UNTIL = WhenType("after")
#: --on, --now: as it stood then (a date: the end of that day)
AS_OF = WhenType("as_of")

"""The options every command takes and the click classes that add them (click and the
standard library only: the root command and `--help` load nothing heavier)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from carrier_gateway.settings import Settings


@dataclasses.dataclass
class CliState:
    database_url: str | None = None
    as_json: bool = False

    def settings(self, **overrides: Any) -> Settings:
        from carrier_gateway.settings import Settings

        return Settings.load(database_url=self.database_url, **overrides)


def state() -> CliState:
    ctx = click.get_current_context()
    root = ctx.find_root()
    if root.obj is None:
        root.obj = CliState()
    return root.obj


def _set_url(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        state().database_url = value


def _set_json(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        state().as_json = True


def global_options() -> list[click.Option]:
    return [
        click.Option(
            ["--database-url"], metavar="URL", expose_value=False, callback=_set_url, is_eager=True,
            help="Database URL (else $CARRIER_DATABASE_URL, else sqlite+aiosqlite:///carrier.db).",
        ),
        click.Option(
            ["--json"], is_flag=True, expose_value=False, callback=_set_json, is_eager=True,
            help="Print one JSON document on stdout and nothing else.",
        ),
    ]


class CarrierCommand(click.Command):
    """A command that also takes the global --database-url and --json after its name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(global_options())


class CarrierGroup(click.Group):
    command_class = CarrierCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(global_options())


CarrierGroup.group_class = CarrierGroup

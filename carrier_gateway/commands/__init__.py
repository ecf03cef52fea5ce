"""Click command groups behind the ``carrier`` console script (see cli.py).

The root command knows each command by name, module and one-line help (``COMMANDS``
below) and imports a command's module only when that command runs or shows its own
help: ``carrier --help`` loads no database, web or crypto library. A test keeps this
table equal to the commands the modules define.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from carrier_gateway.commands.options import CarrierGroup

#: name -> (module in this package, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "audit": ("audit", "audit_group", "The tamper-evident audit trail: list, verify, export."),
    "backfill": ("backfill", "backfill_group", "Back-registration (补登记): flag cards, follow what is overdue."),
    "cards": ("cards", "cards_group", "Cards: issue in bulk, look up, explain services, move between states."),
    "enterprise": ("enterprises", "enterprise_group", "Purchasing enterprises (OEM, AGENT), their people and keys."),
    "init": ("service", "init_cmd", "Create the database schema, or upgrade it; keeps all data."),
    "jobs": ("jobs", "jobs_group", "JSON Lines back-registration jobs and their progress."),
    "keys": ("keys", "keys_group", "Master keys for personal-data encryption (outside the database)."),
    "nas": ("nas", "nas_group", "RADIUS clients: the packet gateways that ask for attach decisions."),
    "pool": ("pools", "pool_group", "IP pools per APN, prefixes given to enterprises, static addresses."),
    "registrations": ("registrations", "registrations_group", "Registrations as recorded (subjects masked)."),
    "report": ("report", "report_group", "Reports for the regulator."),
    "retention": ("retention", "retention_group", "Retention of personal data (2 years after service ends)."),
    "segment": ("segments", "segment_group", "IoT number segments and the blocks given to enterprises."),
    "serve": ("service", "serve_cmd", "Run the HTTP service and background work until SIGINT or SIGTERM."),
    "simulate": ("simulate", "simulate_cmd", "Run a whole local carrier with simulated OEMs, and check it."),
    "token": ("service", "token_group", "Ops API bearer tokens (roles: ops, auditor, regulator)."),
    "webhooks": ("webhooks", "webhooks_group", "Webhooks sent to enterprises: status and retries."),
}


#: modules that add sub-commands to a group defined elsewhere, loaded with that group
COMPANIONS: dict[str, tuple[str, ...]] = {"cards": ("card_views",), "enterprise": ("enterprise_people",
                                                                               "enterprise_keys")}


def load(name: str) -> click.Command:
    module, attribute, _ = COMMANDS[name]
    command: click.Command = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    for companion in COMPANIONS.get(name, ()):
        importlib.import_module(f"{__name__}.{companion}")
    return command


class LazyRoot(CarrierGroup):
    """The root group: lists commands from ``COMMANDS``, imports one when it is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return load(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: Any) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def all_commands() -> list[click.Command]:
    return [load(name) for name in sorted(COMMANDS)]

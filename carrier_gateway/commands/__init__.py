"""Click command groups behind the ``carrier`` console script (see cli.py).

Every module here that defines ``COMMANDS`` (a list of click commands or groups)
contributes them to the root command.
"""

from __future__ import annotations

import importlib
import pkgutil

import click


def all_commands() -> list[click.Command]:
    found: list[click.Command] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "COMMANDS", []))
    return found

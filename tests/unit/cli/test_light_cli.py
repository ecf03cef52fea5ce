"""The command line starts light: `carrier --help`, `carrier GROUP --help` and the help of
every sub-command import no database, web, schema or crypto library, and the root's table of
commands is exactly what the modules define."""

from __future__ import annotations

import importlib
import json
import pathlib
import pkgutil
import subprocess
import sys

import click
import pytest

from carrier_gateway import commands

HEAVY = ("sqlalchemy", "aiohttp", "pydantic", "cryptography", "asyncpg", "aiosqlite", "orjson", "uvloop")
_PROBE = """
import sys
import cli
try:
    cli.main(["--help"])
except SystemExit as exit:
    assert exit.code == 0, exit.code
print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_help_imports_no_heavy_library() -> None:
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True).stdout
    *helptext, loaded_line = out.strip().splitlines()
    loaded = set(loaded_line.split())
    assert "Commands:" in helptext and any(line.strip().startswith("serve") for line in helptext)
    assert not loaded & set(HEAVY), f"`carrier --help` imported {sorted(loaded & set(HEAVY))}"


#: in a fresh interpreter: `carrier GROUP --help` first, then `carrier GROUP ... SUB --help` for every
#: sub-command below it, each reporting the heavy packages it added to sys.modules. A package a
#: sub-command's help would import in a fresh interpreter shows here too (at the first help that needs it).
_GROUP_PROBE = """
import contextlib, io, json, sys
import cli
from carrier_gateway import commands

heavy = set(sys.argv[2].split(","))

def loaded():
    return {name.split(".")[0] for name in sys.modules} & heavy

def walk(path, command):
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk([*path, name], sub)

report, before, group = [], loaded(), sys.argv[1]
assert not before, before
paths = [[group]]
for path in paths:
    out, code = io.StringIO(), None
    with contextlib.redirect_stdout(out):
        try:
            cli.main([*path, "--help"])
        except SystemExit as exit:
            code = exit.code
    now = loaded()
    report.append({"path": path, "exit": code, "help": out.getvalue(), "imported": sorted(now - before)})
    before = now
    if path == [group]:  # the group's module is loaded now: add what is under it
        paths += list(walk([group], commands.load(group)))[1:]
print(json.dumps(report))
"""


def _commands_under(path: list[str], command: click.Command) -> list[list[str]]:
    below = getattr(command, "commands", {})
    return [path] + [p for name in sorted(below) for p in _commands_under([*path, name], below[name])]


@pytest.mark.parametrize("group", sorted(commands.COMMANDS))
def test_group_and_subcommand_help_import_no_heavy_library(group: str) -> None:
    out = subprocess.run([sys.executable, "-c", _GROUP_PROBE, group, ",".join(HEAVY)], capture_output=True,
                         text=True, check=True).stdout
    report = json.loads(out)
    assert [r["path"] for r in report] == _commands_under([group], commands.load(group))
    for r in report:
        assert r["exit"] == 0 and f"Usage: carrier {' '.join(r['path'])} " in r["help"], r
    heavy = {" ".join(r["path"]): r["imported"] for r in report if r["imported"]}
    assert not heavy, f"help imported heavy libraries: {heavy}"


def test_the_root_table_is_what_the_modules_define() -> None:
    defined = {}
    for info in pkgutil.iter_modules(commands.__path__):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", []):
            defined[command.name] = info.name
    assert defined == {name: module for name, (module, _, _) in commands.COMMANDS.items()}
    for name in commands.COMMANDS:
        assert commands.load(name).name == name
    companions = {info.name for info in pkgutil.iter_modules(commands.__path__)
                  if "_group." in (pathlib.Path(commands.__path__[0]) / f"{info.name}.py").read_text()
                  and not hasattr(importlib.import_module(f"{commands.__name__}.{info.name}"), "COMMANDS")}
    assert companions == {c for group in commands.COMPANIONS.values() for c in group}, "every module adding " \
        "sub-commands to another's group is loaded with it"
    assert {"person", "key", "roster"} <= set(commands.load("enterprise").commands)  # type: ignore[attr-defined]

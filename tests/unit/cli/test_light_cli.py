"""The command line starts light: `carrier --help` imports no database, web, schema or
crypto library, and the root's table of commands is exactly what the modules define."""

from __future__ import annotations

import importlib
import pathlib
import pkgutil
import subprocess
import sys

from carrier_gateway import commands

HEAVY = ("sqlalchemy", "aiohttp", "pydantic", "cryptography", "asyncpg", "aiosqlite", "orjson")
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

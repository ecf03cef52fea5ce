"""numbering is the bottom layer: it imports no other project package and no web or CLI library."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import numbering


def test_numbering_imports_nothing_above_it() -> None:
    modules = [m.name for m in pkgutil.walk_packages(numbering.__path__, "numbering.")]
    assert {"numbering.msisdn.segments", "numbering.ip.pools", "numbering.identifiers.iccid"} <= set(modules)
    code = (f"import importlib, json, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
            "print(json.dumps(sorted(sys.modules)))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                       check=True).stdout)
    above = [m for m in loaded if m.split(".")[0] in {"carrier_gateway", "provisioning", "cli", "aiohttp", "click"}]
    assert above == []

"""The bench scripts' import path; every script imports this module first.

bench/ holds scripts named like the project's packages (bench/numbering.py), and Python
puts the directory of the script it runs first on the import path, where such a script
would shadow the package. This takes the directory off the path and finds the helper
modules here (_regkit, _servers, _benchdb: names starting with "_") by their files, so
scripts import them by name like any module.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]


class _Helpers(importlib.abc.MetaPathFinder):
    """Finds a top-level module named "_..." among bench/'s files (after every other finder)."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        file = _HERE / f"{fullname}.py"
        if path is None and fullname.startswith("_") and file.is_file():
            return importlib.util.spec_from_file_location(fullname, file)
        return None


sys.meta_path.append(_Helpers())

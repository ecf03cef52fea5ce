"""Every import in the repository's packages, read from the source (module level and
inside functions alike), for the layering tests."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("cli", "carrier_gateway", "provisioning", "numbering")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


@functools.cache
def imports() -> dict[str, set[str]]:
    """module -> the modules it imports (``from a import b`` counts as ``a.b`` when
    ``a.b`` is a module of the repository, else as ``a``)."""
    files = [ROOT / "cli.py"] + [p for pkg in PACKAGES[1:] for p in (ROOT / pkg).rglob("*.py")
                                 if "migrations" not in p.parts]
    names = {_module_name(p) for p in files}
    found: dict[str, set[str]] = {}
    for path in files:
        module = _module_name(path)
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module, node, path.name == "__init__.py")
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.add(full if full in names else base)
        found[module] = targets
    return found


def top(module: str) -> str:
    return module.split(".")[0]


def within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")

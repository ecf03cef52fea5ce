"""HTTP handlers, one module per resource; each module that defines ``router`` is mounted."""

from __future__ import annotations

import importlib
import pkgutil

from carrier_gateway.routing import Router


def all_routers() -> list[Router]:
    found: list[Router] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, Router):
            found.append(router)
    return found

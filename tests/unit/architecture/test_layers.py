"""The layering, enforced: cli -> carrier_gateway -> provisioning -> numbering, never back
up; the domain packages import no web or command-line library; the HTTP handlers and the
CLI commands never import each other (both call provisioning); provisioning's areas
import each other without a circle."""

from __future__ import annotations

import pytest

from tests.unit.architecture.imports import imports, top, within

ORDER = ["cli", "carrier_gateway", "provisioning", "numbering"]
TRANSPORTS = ("aiohttp", "click")


@pytest.mark.parametrize("layer", ORDER)
def test_no_import_runs_up(layer: str) -> None:
    above = set(ORDER[:ORDER.index(layer)])
    wrong = sorted((m, t) for m, ts in imports().items() if top(m) == layer for t in ts if top(t) in above)
    assert not wrong, f"{layer} imports from a layer above it: {wrong}"


@pytest.mark.parametrize("layer", ["provisioning", "numbering"])
def test_the_domain_imports_no_transport(layer: str) -> None:
    wrong = sorted((m, t) for m, ts in imports().items() if top(m) == layer for t in ts if top(t) in TRANSPORTS)
    assert not wrong, f"{layer} imports a web or command-line library: {wrong}"


@pytest.mark.parametrize(("source", "target"), [("carrier_gateway.api", "carrier_gateway.commands"),
                                                ("carrier_gateway.commands", "carrier_gateway.api")])
def test_http_handlers_and_cli_commands_stay_apart(source: str, target: str) -> None:
    wrong = sorted((m, t) for m, ts in imports().items() if within(m, source) for t in ts if within(t, target))
    assert not wrong, f"{source} imports {target} (move the shared logic into provisioning): {wrong}"


def _areas(package: str) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    depth = package.count(".") + 1
    for module, targets in imports().items():
        if not within(module, package) or module == package:
            continue
        area = module.split(".")[depth]
        for target in targets:
            if within(target, package) and target != package and target.split(".")[depth] != area:
                graph.setdefault(area, set()).add(target.split(".")[depth])
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if not state.get(nxt) and (found := visit(nxt)):
                return found
        state[node] = 2
        path.pop()
        return None

    for start in sorted(graph):
        if not state.get(start) and (found := visit(start)):
            return found
    return None


@pytest.mark.parametrize("package", ["provisioning", "numbering"])
def test_no_circle_between_areas(package: str) -> None:
    cycle = _cycle(_areas(package))
    assert cycle is None, f"{package}'s areas import in a circle: {' -> '.join(cycle or [])}"


def test_the_import_graph_is_read() -> None:
    graph = imports()
    assert "provisioning.audit.trail" in graph["provisioning.resources.events"]
    assert _cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]

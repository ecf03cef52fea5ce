"""The console and the ops API refuse and allow the same roles: each console action takes
the roles of one API operation (carrier_gateway.console.permissions), and both are
checked here against that one table, page by page and role by role."""

from __future__ import annotations

import re

from carrier_gateway.app import routers
from carrier_gateway.console.pages import all_pages
from carrier_gateway.console.permissions import ACTIONS, roles_for
from carrier_gateway.ops_auth import ROLES
from tests.api.provisioning.helpers import tokens
from tests.api.test_role_matrix import concrete
from tests.support.console import sign_in
from tests.support.http import app_client

_SAMPLES = {"enterprise_id": "1", "order_id": "1", "iccid": "89860000000000000000", "registration_id": "r00",
            "job_id": "j00", "key_id": "ak_00", "lang": "en"}


def page_path(path: str) -> str:
    return "/console" + re.sub(r"{(\w+)(?::[^{}]*(?:{[^{}]*}[^{}]*)*)?}", lambda m: _SAMPLES[m.group(1)], path)


def test_every_action_takes_its_roles_from_an_ops_api_operation() -> None:
    by_op = {ep.operation_id: ep for r in routers() for ep in r.endpoints if ep.auth == "ops"}
    for action, op in ACTIONS.items():
        assert op in by_op, action
        assert roles_for(action) == by_op[op].roles
    pages = all_pages()
    assert all(p.action in ACTIONS for p in pages if p.action is not None)
    assert {p.path for p in pages if p.action is None} == {"/login", "/logout", "/lang/{lang:zh|en}"}
    for p in pages:  # a page that changes something takes an action the API keeps for ops
        if p.method == "POST" and p.action is not None and p.action != "registrations.unmasked":
            assert roles_for(p.action) == {"ops"}, p.path
    assert roles_for("registrations.unmasked") == {"auditor"}


async def test_each_role_gets_exactly_its_pages_and_endpoints(db_url: str) -> None:
    heads = await tokens(db_url)
    by_op = {ep.operation_id: ep for r in routers() for ep in r.endpoints if ep.auth == "ops"}
    problems: list[str] = []
    checked = 0
    for role in ROLES:
        async with app_client(db_url, workers=0) as http:
            csrf = await sign_in(http, heads[role]["Authorization"].removeprefix("Bearer "))
            for p in all_pages():
                if p.action is None:
                    continue
                path, allowed = page_path(p.path), role in roles_for(p.action)
                if p.method == "GET":
                    resp = await http.get(path, allow_redirects=False)
                else:
                    resp = await http.post(path, data={"csrf_token": csrf}, allow_redirects=False)
                body = await resp.text()
                checked += 1
                if allowed and (resp.status == 403 or resp.headers.get("Location", "").startswith("/console/login")):
                    problems.append(f"console {p.method} {path} refused {role}: {resp.status}")
                if not allowed and resp.status != 403:
                    problems.append(f"console {p.method} {path} let {role} through: {resp.status}")
                if not allowed and role not in body:
                    problems.append(f"console {p.method} {path}: the refusal does not name the role")
            for action in {p.action for p in all_pages() if p.action is not None}:
                ep = by_op[ACTIONS[action]]
                api = await http.request(ep.method, concrete(ep.path), headers=heads[role])
                if (api.status == 403) != (role not in roles_for(action)):
                    problems.append(f"API {ep.method} {ep.path} for {role}: {api.status}")
    assert not problems, "\n".join(problems)
    assert checked == len([p for p in all_pages() if p.action]) * len(ROLES)

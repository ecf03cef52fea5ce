"""Every ops endpoint the app declares refuses the roles it is not for.

The endpoints come from the app's own routers, so a new endpoint is covered the day it
is added. For each: no token and an unknown token get 401, each role outside its roles
gets 403 ROLE_FORBIDDEN, and each role inside gets past authorisation (some other
answer: 200, 404, 422...). The duties are also checked as policy: only ops changes
state, only the auditor reads personal data in clear, the audit trail is for auditor
and regulator.
"""

from __future__ import annotations

import re

from carrier_gateway.app import routers
from carrier_gateway.ops_auth import ROLES
from carrier_gateway.routing import Endpoint
from tests.api.provisioning.helpers import tokens
from tests.support.http import app_client

_PARAM = re.compile(r"{(\w+)(?::([^{}]*(?:{[^{}]*}[^{}]*)*))?}")
_SAMPLES = ("1", "ak_00", "r0000000000000000000000", "89860000000000000000")


def ops_endpoints() -> list[Endpoint]:
    return [ep for router in routers() for ep in router.endpoints if ep.auth == "ops"]


def concrete(path: str) -> str:
    """The path with each parameter replaced by a value its pattern accepts."""
    def value(match: re.Match[str]) -> str:
        pattern = match.group(2)
        if not pattern:
            return "1"
        return next(s for s in _SAMPLES if re.fullmatch(pattern, s))

    return _PARAM.sub(value, path)


def test_the_app_declares_ops_endpoints_with_roles() -> None:
    eps = ops_endpoints()
    assert len(eps) >= 20
    assert all(ep.roles and ep.roles <= set(ROLES) for ep in eps), [ep.path for ep in eps if not ep.roles]
    assert concrete("/ops/v1/keys/{key_id:ak_[0-9a-f]+}/x") == "/ops/v1/keys/ak_00/x"
    every = [ep for router in routers() for ep in router.endpoints]
    assert all(ep.auth == "ops" for ep in every if ep.path.startswith("/ops/"))


def test_duties_are_separated() -> None:
    for ep in ops_endpoints():
        name = f"{ep.method} {ep.path}"
        if ep.method != "GET":
            assert ep.roles == {"ops"}, f"{name}: only ops changes state"
        if "unmasked" in ep.path:
            assert ep.roles == {"auditor"}, f"{name}: only the auditor reads personal data in clear"
        if ep.path.startswith("/ops/v1/audit"):
            assert ep.roles == {"auditor", "regulator"}, f"{name}: the trail is for auditor and regulator"


async def test_each_role_gets_exactly_its_endpoints(db_url: str) -> None:
    headers = await tokens(db_url)
    problems: list[str] = []
    checked = 0
    async with app_client(db_url, workers=0) as http:
        for ep in ops_endpoints():
            path = concrete(ep.path)
            for auth in ({}, {"Authorization": "Bearer cop_unknown"}):
                resp = await http.request(ep.method, path, headers=auth)
                if resp.status != 401:
                    problems.append(f"{ep.method} {path} without a valid token: {resp.status}")
            for role in ROLES:
                resp = await http.request(ep.method, path, headers=headers[role])
                body = await resp.read()
                checked += 1
                if role in ep.roles and resp.status in (401, 403):
                    problems.append(f"{ep.method} {path} refused its role {role}: {resp.status} {body[:120]!r}")
                if role not in ep.roles and (resp.status != 403 or b"ROLE_FORBIDDEN" not in body):
                    problems.append(f"{ep.method} {path} let {role} through: {resp.status}")
    assert not problems, "\n".join(problems)
    assert checked == len(ops_endpoints()) * len(ROLES)

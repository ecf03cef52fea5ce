"""/openapi.json is generated from the declared endpoints and is a valid OpenAPI 3.1 document."""

from __future__ import annotations

from openapi_spec_validator import validate

from carrier_gateway.app import create_app
from carrier_gateway.settings import Settings
from tests.support.http import app_client


async def test_openapi_is_valid_and_lists_every_route(db_url: str) -> None:
    app = create_app(Settings.load(environ={}, database_url=db_url))
    # the console's HTML pages (/console...) are no API operations: they stay out of the document
    routes = {(r.method, r.resource.canonical) for r in app.router.routes() if r.resource is not None
              and not r.resource.canonical.startswith("/console")}
    async with app_client(db_url) as client:
        resp = await client.get("/openapi.json")
        spec = await resp.json()
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    documented = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert routes - {("HEAD", p) for _, p in routes} <= documented
    whoami = spec["paths"]["/ops/v1/whoami"]["get"]
    assert whoami["security"] == [{"opsBearer": []}]
    assert "401" in whoami["responses"] and "403" in whoami["responses"]

"""OpenAPI 3.1 generated from the declared endpoints and their pydantic models."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from carrier_gateway.jsonio import PROBLEM_JSON
from carrier_gateway.routing import Endpoint

_REF = "#/components/schemas/{model}"
_PATH_PARAM = re.compile(r"{(\w+)(?::[^}]*)?}")

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status", "detail", "code"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "stable machine-readable error code"},
        "instance": {"type": "string"},
        "request_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "field": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
            },
        },
    },
}

_ERROR_TEXT = {
    400: "Malformed request",
    401: "Missing or bad credentials (signature, timestamp, nonce or token)",
    403: "The credentials' role may not use this endpoint",
    404: "Not found (or belongs to another enterprise)",
    409: "Conflicts with the current state",
    413: "Body too large",
    415: "Unsupported media type (Content-Type) or content encoding",
    422: "Body or query does not match the schema, or breaks a rule",
    429: "A rate or concurrency limit is exceeded; see Retry-After",
    503: "Not ready",
}

_PROBLEM = {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}

OEM_SECURITY = {"carrierKey": [], "carrierTimestamp": [], "carrierNonce": [], "carrierSignature": []}

SECURITY_SCHEMES = {
    "opsBearer": {"type": "http", "scheme": "bearer", "description": "ops token from `carrier token create`"},
    "carrierKey": {"type": "apiKey", "in": "header", "name": "X-Carrier-Key", "description": "API key id"},
    "carrierTimestamp": {"type": "apiKey", "in": "header", "name": "X-Carrier-Timestamp",
                         "description": "Unix seconds, 1 to 12 ASCII digits; at most 300 s from the server clock"},
    "carrierNonce": {"type": "apiKey", "in": "header", "name": "X-Carrier-Nonce",
                     "description": "16-64 characters [A-Za-z0-9_-], single use"},
    "carrierSignature": {
        "type": "apiKey", "in": "header", "name": "X-Carrier-Signature",
        "description": "lowercase hex HMAC-SHA256(secret, METHOD\\nPATH_WITH_QUERY\\nTIMESTAMP\\nNONCE\\n"
                       "hex(SHA256(body)))",
    },
}


def model_example(model: type[BaseModel] | None) -> Any:
    """The first of the examples a model declares (``json_schema_extra``), if any: an
    endpoint that gives no request example of its own shows its body model's."""
    extra = model.model_config.get("json_schema_extra") if model is not None else None
    found = extra.get("examples") if isinstance(extra, dict) else None
    return found[0] if isinstance(found, list) and found else None


def build_spec(endpoints: list[Endpoint], *, version: str) -> dict[str, Any]:
    models: dict[type[BaseModel], None] = {}
    for ep in endpoints:
        for m in (ep.body, ep.response, ep.query):
            if m is not None:
                models[m] = None
    keyed, top = models_json_schema(
        [(m, "validation") for m in models], ref_template=_REF
    )
    schemas: dict[str, Any] = dict(top.get("$defs", {}))
    schemas["Problem"] = PROBLEM_SCHEMA
    refs = {m: keyed[(m, "validation")] for m in models}

    paths: dict[str, dict[str, Any]] = {}
    for ep in sorted(endpoints, key=lambda e: (e.path, e.method)):
        path = _PATH_PARAM.sub(r"{\1}", ep.path)
        op: dict[str, Any] = {
            "operationId": ep.operation_id,
            "summary": ep.summary,
            "tags": [ep.tag],
        }
        if ep.description:
            op["description"] = ep.description
        params = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in _PATH_PARAM.findall(ep.path)
        ]
        if ep.query is not None:
            qschema = ep.query.model_json_schema(ref_template=_REF)
            required = set(qschema.get("required", []))
            for name, prop in qschema.get("properties", {}).items():
                params.append({"name": name, "in": "query", "required": name in required, "schema": prop})
        if params:
            op["parameters"] = params
        if ep.body is not None or ep.body_media_type:
            media = ep.body_media_type or "application/json"
            content: dict[str, Any] = {"schema": refs[ep.body] if ep.body else {"type": "string"}}
            example = ep.request_example if ep.request_example is not None else model_example(ep.body)
            if example is not None:
                content["example"] = example
            op["requestBody"] = {"required": True, "content": {media: content}}
        ok: dict[str, Any] = {"description": "Success"}
        if ep.response is not None or ep.response_example is not None:
            untyped = {"type": "string"} if ep.response_media_type.startswith("text/") else {}
            body: dict[str, Any] = {"schema": refs[ep.response] if ep.response else untyped}
            if ep.response_example is not None:
                body["example"] = ep.response_example
            ok["content"] = {ep.response_media_type: body}
            ok["content"].update({media: {"schema": {"type": "string"}} for media in ep.other_media_types})
        responses: dict[str, Any] = {str(ep.status): ok}
        errors = set(ep.errors)
        if ep.body is not None or ep.query is not None:
            errors.add(422)
        if ep.body is not None:  # a body that is not application/json (request_checks)
            errors.add(415)
        if _PATH_PARAM.search(ep.path):  # a path value no row can have (request_checks)
            errors.add(404)
        if ep.auth != "none":
            errors.add(401)
        if ep.auth == "oem":  # every signed request: the enterprise's rate, and no Content-Encoding
            errors |= {415, 429}
        if ep.body is not None or ep.body_media_type:
            errors.add(413)
        if ep.roles:
            errors.add(403)
        for status in sorted(errors):
            responses[str(status)] = {"description": _ERROR_TEXT.get(status, "Error"), "content": _PROBLEM}
        responses["default"] = {"description": "Any other failure (500: quote the request_id to the carrier)",
                                "content": _PROBLEM}
        op["responses"] = responses
        if ep.auth == "ops":
            op["security"] = [{"opsBearer": []}]
        elif ep.auth == "oem":
            op["security"] = [OEM_SECURITY]
        paths.setdefault(path, {})[ep.method.lower()] = op

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Carrier IoV card service",
            "version": version,
            "description": "OEM real-name registration API (/v1) and carrier operations API (/ops/v1).",
        },
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES},
    }

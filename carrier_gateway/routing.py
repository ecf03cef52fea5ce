"""Declared endpoints: one record per route drives dispatch, validation, auth and OpenAPI.

Handlers are thin: ``async def handler(request, call) -> web.StreamResponse`` where
``call.body`` and ``call.query`` are already-validated pydantic models and
``call.principal`` is who is asking. The OpenAPI document is generated from the same
records, so the published schema cannot drift from what the handlers validate.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import tempfile
from collections.abc import Awaitable, Callable
from typing import IO, Any, Literal, Protocol

from aiohttp import HttpVersion11, web
from pydantic import BaseModel, ValidationError

from carrier_gateway.principal import PRINCIPAL, Principal
from carrier_gateway.problems import validation_errors
from carrier_gateway.request_checks import check_request
from numbering.errors import DomainError, Forbidden, Invalid

AuthKind = Literal["none", "oem", "ops"]


class SchemaInvalid(Invalid):
    code = "SCHEMA_INVALID"
    title = "Request does not match the schema"

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.errors = errors or []


class Unauthenticated(DomainError):
    status = 401
    code = "UNAUTHENTICATED"
    title = "Unauthenticated"

    def __init__(self, detail: str, *, scheme: str = "Bearer") -> None:
        super().__init__(detail)
        self.headers = {"WWW-Authenticate": scheme}


class RoleForbidden(Forbidden):
    code = "ROLE_FORBIDDEN"

    def __init__(self, role: str, allowed: frozenset[str]) -> None:
        super().__init__(f"the {role} role may not use this endpoint (allowed: {', '.join(sorted(allowed))})")


@dataclasses.dataclass
class Call:
    principal: Principal | None
    body: Any = None
    query: Any = None
    raw_body: bytes = b""
    #: SHA-256 (hex) of the body as received (the signature covered it)
    body_sha256: str = ""
    #: for streamed endpoints: the received body, spooled (read it line by line)
    stream: IO[bytes] | None = None
    #: for an endpoint that confirms in its own commit (``Endpoint.confirms_in_commit``):
    #: the signed request's unclaimed nonce (``nonces.NonceClaim``), to claim in that write
    nonce: Any = None


Handler = Callable[[web.Request, Call], Awaitable[web.StreamResponse]]


class Admission(Protocol):
    """A caller the headers let in; ``confirm`` checks the body against them (a signature
    over its hash) before the handler sees any of it."""

    principal: Principal

    async def confirm(self, body_sha256: str, *, claim_nonce: bool = True) -> Principal:
        """The principal once the body matches; a signed request's nonce is claimed here
        unless ``claim_nonce`` is False (the handler then claims ``nonce``)."""
        ...

    @property
    def nonce(self) -> Any:
        """The request's nonce claim, if it carries one (None for a bearer token)."""
        ...


class Authenticator(Protocol):
    async def admit(self, request: web.Request, *, confirmed_in_commit: bool = False) -> Admission:
        """Decide from the headers alone (no body byte read yet): raise to refuse.
        ``confirmed_in_commit``: the handler's own commit claims the nonce and confirms
        the key is still usable, so a credential read a moment ago may admit it."""
        ...


class UploadSlots(Protocol):
    def hold(self, key_id: str) -> contextlib.AbstractContextManager[None]:
        """One of the caller's upload slots for a streamed body, or raise to refuse."""
        ...


@dataclasses.dataclass(frozen=True)
class Admitted:
    """An admission the headers settle on their own (a bearer token): the body adds nothing."""

    principal: Principal

    async def confirm(self, body_sha256: str, *, claim_nonce: bool = True) -> Principal:
        return self.principal

    @property
    def nonce(self) -> Any:
        return None


OPS_AUTHENTICATOR = web.AppKey("ops_authenticator", Authenticator)
OEM_AUTHENTICATOR = web.AppKey("oem_authenticator", Authenticator)
UPLOAD_SLOTS = web.AppKey("upload_slots", UploadSlots)
MAX_STREAM_BYTES = web.AppKey("max_stream_bytes", int)
_SPOOL_IN_MEMORY = 4 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    auth: AuthKind = "none"
    roles: frozenset[str] = frozenset()
    body: type[BaseModel] | None = None
    #: for streamed bodies (JSON Lines): the media type, with no model validation here
    body_media_type: str | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    response_media_type: str = "application/json"
    #: other media types a success may come in (a ``format`` parameter picks them); text
    other_media_types: tuple[str, ...] = ()
    status: int = 200
    errors: tuple[int, ...] = ()
    description: str = ""
    request_example: Any = None
    response_example: Any = None
    #: the handler's own write transaction claims a signed request's nonce
    #: (``call.nonce``) and confirms its key is still usable, so that storing what it
    #: was sent, spending the nonce and the key check are one commit; otherwise both
    #: are settled before the handler runs
    confirms_in_commit: bool = False

    @property
    def operation_id(self) -> str:
        return self.handler.__name__


class Router:
    """Collects endpoint declarations of one module; ``mount`` adds them to an app."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.endpoints: list[Endpoint] = []

    def route(self, method: str, path: str, *, summary: str, **meta: Any) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            roles = frozenset(meta.pop("roles", ()))
            self.endpoints.append(
                Endpoint(method=method.upper(), path=path, handler=handler, summary=summary,
                         tag=meta.pop("tag", self.tag), roles=roles, **meta)
            )
            return handler

        return decorate

    def get(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **kw)

    def delete(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **kw)


def _dispatch(ep: Endpoint) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        admission = await _admit(ep, request)  # who is asking: from the headers alone
        check_request(ep.path, ep.body is not None, request)  # path values and media type, still before any body byte
        with contextlib.ExitStack() as held:
            slots = request.app.get(UPLOAD_SLOTS)
            if ep.body_media_type is not None and admission is not None and slots is not None:
                held.enter_context(slots.hold(admission.principal.key_id))
            raw, stream, digest = await _receive(ep, request)
            if stream is not None:
                held.callback(stream.close)
            principal: Principal | None = None
            if admission is not None:
                principal = await admission.confirm(digest, claim_nonce=not ep.confirms_in_commit)
                request[PRINCIPAL] = principal
            call = Call(principal=principal, raw_body=raw, body_sha256=digest, stream=stream,
                        nonce=admission.nonce if admission is not None and ep.confirms_in_commit else None)
            return await _validated(ep, request, call)

    handle.__name__ = ep.operation_id
    return handle


async def _admit(ep: Endpoint, request: web.Request) -> Admission | None:
    """Who is asking, from the headers alone: a refusal here is answered before any byte of
    the body is read (and the connection then closed, see ``app.create_app``)."""
    if ep.auth == "none":
        return None
    authenticator = request.app.get(OPS_AUTHENTICATOR if ep.auth == "ops" else OEM_AUTHENTICATOR)
    if authenticator is None:
        raise Unauthenticated("this API is not enabled")
    admission = await authenticator.admit(request, confirmed_in_commit=ep.confirms_in_commit)
    if ep.roles and admission.principal.role not in ep.roles:
        raise RoleForbidden(admission.principal.role, ep.roles)
    return admission


async def _receive(ep: Endpoint, request: web.Request) -> tuple[bytes, IO[bytes] | None, str]:
    """The body (raw, or spooled for streamed endpoints) and its SHA-256."""
    if ep.body_media_type is not None:
        await _continue(request)
        stream, digest = await spool_body(request, request.app[MAX_STREAM_BYTES])
        return b"", stream, digest
    raw = b""
    if ep.body is not None or ep.auth == "oem":
        await _continue(request)
        raw = await request.read()
    return raw, None, hashlib.sha256(raw).hexdigest()


async def _expect_later(request: web.Request) -> None:
    """aiohttp answers ``Expect: 100-continue`` as soon as the headers arrive; here
    ``_continue`` answers it once they are accepted, so a refused client never sends its body."""


async def _continue(request: web.Request) -> None:
    expect = request.headers.get("Expect")
    if expect is None or request.version != HttpVersion11:
        return
    if expect.lower() != "100-continue":
        raise web.HTTPExpectationFailed(text="the only expectation understood is Expect: 100-continue")
    await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    request.writer.output_size = 0  # as aiohttp does: the interim answer is not the response


async def _validated(ep: Endpoint, request: web.Request, call: Call) -> web.StreamResponse:
    raw = call.raw_body
    if ep.body is not None:
        if not raw:
            raise SchemaInvalid("request body is empty; a JSON object is expected")
        try:
            call.body = ep.body.model_validate_json(raw)
        except ValidationError as exc:
            raise SchemaInvalid("request body does not match the schema", validation_errors(exc)) from None
    if ep.query is not None:
        try:
            call.query = ep.query.model_validate(dict(request.query))
        except ValidationError as exc:
            raise SchemaInvalid("query parameters do not match the schema", validation_errors(exc)) from None
    return await ep.handler(request, call)


async def spool_body(request: web.Request, limit: int) -> tuple[IO[bytes], str]:
    """Receive a large body to a spooled temporary file (memory stays bounded), hashing it
    on the way; 413 past ``limit`` bytes."""
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # closed by the caller
    digest = hashlib.sha256()
    size = 0
    try:
        async for chunk in request.content.iter_chunked(256 * 1024):
            size += len(chunk)
            if size > limit:
                raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size)
            digest.update(chunk)
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, digest.hexdigest()


def mount(app: web.Application, routers: list[Router]) -> list[Endpoint]:
    endpoints: list[Endpoint] = []
    for router in routers:
        for ep in router.endpoints:
            app.router.add_route(ep.method, ep.path, _dispatch(ep), name=ep.operation_id,
                                 expect_handler=_expect_later)
            endpoints.append(ep)
    return endpoints


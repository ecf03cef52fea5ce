"""Ops API bearer tokens: created from the CLI, printed once, stored as SHA-256."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets

from aiohttp import web
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway.db import Database
from carrier_gateway.ops_roles import ROLES
from carrier_gateway.principal import Principal
from carrier_gateway.routing import Admitted, Unauthenticated
from carrier_gateway.tables import ops_tokens
from numbering.dbtypes import utcnow
from numbering.errors import Invalid, NotFound
from provisioning.audit.trail import Event, record

TOKEN_PREFIX = "cop_"


@dataclasses.dataclass(frozen=True)
class IssuedToken:
    id: int
    role: str
    token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_token(conn: AsyncConnection, role: str, label: str = "", *, actor: str = "system") -> IssuedToken:
    """A new token (audited: who created it and its role; the label may name a person, so
    it stays out of the trail)."""
    if role not in ROLES:
        raise Invalid(f"unknown role {role!r}: use one of {', '.join(ROLES)}", field="role")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    result = await conn.execute(
        insert(ops_tokens).values(token_hash=_hash(token), role=role, label=label).returning(ops_tokens.c.id)
    )
    token_id = result.scalar_one()
    await record(conn, Event(actor, "ops_token.created", "ops_token", token_id, None, {"role": role}))
    return IssuedToken(id=token_id, role=role, token=token)


async def revoke_token(conn: AsyncConnection, token_id: int, *, actor: str = "system") -> None:
    result = await conn.execute(
        update(ops_tokens)
        .where(ops_tokens.c.id == token_id, ops_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .returning(ops_tokens.c.role)
    )
    role = result.scalar_one_or_none()
    if role is None:
        raise NotFound(f"no active ops token with id {token_id}")
    await record(conn, Event(actor, "ops_token.revoked", "ops_token", token_id, None, {"role": role}))


async def token_role(conn: AsyncConnection, token: str) -> tuple[int, str] | None:
    """``(id, role)`` of an active token, or None (for commands that act as a token holder)."""
    row = (await conn.execute(select(ops_tokens.c.id, ops_tokens.c.role).where(
        ops_tokens.c.token_hash == _hash(token.strip()), ops_tokens.c.revoked_at.is_(None)))).first()
    return (row.id, row.role) if row else None


async def list_tokens(conn: AsyncConnection) -> list[dict[str, object]]:
    rows = await conn.execute(
        select(ops_tokens.c.id, ops_tokens.c.role, ops_tokens.c.label,
               ops_tokens.c.created_at, ops_tokens.c.revoked_at).order_by(ops_tokens.c.id)
    )
    return [dict(r._mapping) for r in rows]


class OpsAuthenticator:
    """Checks ``Authorization: Bearer`` against the token table on every request (a unique
    index read): a revoked token stops at once in every process. The body plays no part."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def admit(self, request: web.Request, *, confirmed_in_commit: bool = False) -> Admitted:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("an ops token is required: Authorization: Bearer <token>")
        async with self._db.read() as conn:
            found = await token_role(conn, token)
        if found is None:
            raise Unauthenticated("the ops token is unknown or revoked")
        token_id, role = found
        return Admitted(Principal(kind="ops", role=role, key_id=str(token_id)))

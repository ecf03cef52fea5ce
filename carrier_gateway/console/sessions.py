"""Console sign-in sessions: opened with an ops token, checked against the database on
every request (the token must still be active, the session not ended nor idle too long).

Only SHA-256 digests of the cookie's secret are stored; the CSRF token is per session.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from carrier_gateway.console.tables import console_sessions
from carrier_gateway.ops_auth import token_role
from carrier_gateway.tables import ops_tokens
from numbering.dbtypes import utcnow
from provisioning.audit.trail import Event, actor_of, record

#: how often a session's last-seen time is written (not on every page: reads stay reads)
TOUCH_EVERY = dt.timedelta(seconds=60)


@dataclasses.dataclass(frozen=True)
class Session:
    id: str
    token_id: int
    role: str
    csrf: str
    seen_at: dt.datetime

    @property
    def actor(self) -> str:
        """The same actor the ops API records for this token."""
        return actor_of("ops", self.token_id)


@dataclasses.dataclass(frozen=True)
class Opened:
    cookie: str
    session: Session


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def sign_in(conn: AsyncConnection, token: str) -> Opened | None:
    """A new session for an active ops token (audited), or None for an unknown or revoked one."""
    found = await token_role(conn, token) if token.strip() else None
    if found is None:
        return None
    token_id, role = found
    cookie, csrf, now = secrets.token_urlsafe(32), secrets.token_urlsafe(32), utcnow()
    sid = _digest(cookie)
    await conn.execute(insert(console_sessions).values(id=sid, token_id=token_id, csrf=csrf, created_at=now,
                                                       seen_at=now))
    await record(conn, Event(actor_of("ops", token_id), "console.signed_in", "ops_token", token_id, None,
                             {"role": role}))
    return Opened(cookie, Session(sid, token_id, role, csrf, now))


async def current(conn: AsyncConnection, cookie: str, *, idle: dt.timedelta,
                  now: dt.datetime | None = None) -> Session | None:
    """The live session behind a cookie: not ended, seen within ``idle``, its token not revoked."""
    if not cookie:
        return None
    now = now or utcnow()
    row = (await conn.execute(
        select(console_sessions.c.id, console_sessions.c.token_id, console_sessions.c.csrf,
               console_sessions.c.seen_at, ops_tokens.c.role)
        .join(ops_tokens, ops_tokens.c.id == console_sessions.c.token_id)
        .where(console_sessions.c.id == _digest(cookie), console_sessions.c.ended_at.is_(None),
               ops_tokens.c.revoked_at.is_(None), console_sessions.c.seen_at > now - idle))).first()
    if row is None:
        return None
    return Session(row.id, row.token_id, row.role, row.csrf, row.seen_at)


def needs_touch(session: Session, now: dt.datetime | None = None) -> bool:
    return (now or utcnow()) - session.seen_at >= TOUCH_EVERY


async def touch(conn: AsyncConnection, session: Session) -> None:
    await conn.execute(update(console_sessions).where(console_sessions.c.id == session.id,
                                                      console_sessions.c.ended_at.is_(None))
                       .values(seen_at=utcnow()))


async def sign_out(conn: AsyncConnection, session: Session) -> None:
    """End the session on the server (the cookie alone no longer opens it), audited."""
    result = await conn.execute(update(console_sessions).where(console_sessions.c.id == session.id,
                                                               console_sessions.c.ended_at.is_(None))
                                .values(ended_at=utcnow()))
    if result.rowcount:
        await record(conn, Event(session.actor, "console.signed_out", "ops_token", session.token_id, None, {}))

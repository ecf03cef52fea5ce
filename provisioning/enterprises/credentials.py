"""API credentials for an enterprise's systems (the OEM API's HMAC keys).

The verifier needs the secret itself, so it is sealed with the master keyring
(AES-GCM, bound to the key id) and never stored in plaintext or only hashed; it is
shown once, at creation. Rotation issues a new key and lets the old one work until a
grace period ends; revocation stops a key at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.dbtypes import utcnow
from numbering.sqlutil import in_list
from provisioning.audit.trail import Event, record
from provisioning.enterprises.errors import KeyNotFound, KeyRevoked
from provisioning.enterprises.registry import get_enterprise
from provisioning.enterprises.tables import api_keys
from provisioning.privacy.keyring import Keyring

DEFAULT_GRACE = dt.timedelta(hours=24)
KEY_PREFIX = "ak_"
SECRET_PREFIX = "sk_"


def _context(key_id: str) -> str:
    return f"enterprise.api_key:{key_id}"


@dataclasses.dataclass(frozen=True)
class IssuedKey:
    key_id: str
    secret: str
    enterprise_id: int


@dataclasses.dataclass(frozen=True)
class KeyInfo:
    key_id: str
    enterprise_id: int
    label: str
    status: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    replaced_by: str | None
    revoked_at: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class ActiveKey:
    key_id: str
    enterprise_id: int
    secret: str


def _status(row: Any, now: dt.datetime) -> str:
    if row.revoked_at is not None:
        return "REVOKED"
    if row.expires_at is not None:
        return "EXPIRED" if row.expires_at <= now else "ROTATING"
    return "ACTIVE"


async def _insert_key(conn: AsyncConnection, keyring: Keyring, enterprise_id: int, label: str) -> IssuedKey:
    key_id = KEY_PREFIX + secrets.token_hex(10)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    await conn.execute(insert(api_keys).values(key_id=key_id, enterprise_id=enterprise_id, label=label[:200],
                                               secret_enc=keyring.encrypt(secret, _context(key_id))))
    return IssuedKey(key_id, secret, enterprise_id)


async def create_key(conn: AsyncConnection, keyring: Keyring, enterprise_id: int, *, actor: str,
                     label: str = "") -> IssuedKey:
    """New credentials; the secret is returned here and never again."""
    await get_enterprise(conn, enterprise_id)
    issued = await _insert_key(conn, keyring, enterprise_id, label)
    await record(conn, Event(actor, "key.created", "api_key", issued.key_id, enterprise_id, {"label": label[:200]}))
    return issued


async def _row(conn: AsyncConnection, key_id: str, enterprise_id: int | None) -> Any:
    query = select(api_keys).where(api_keys.c.key_id == key_id)
    if enterprise_id is not None:
        query = query.where(api_keys.c.enterprise_id == enterprise_id)
    row = (await conn.execute(query.with_for_update())).first()
    if row is None:
        raise KeyNotFound(key_id)
    return row


async def rotate_key(conn: AsyncConnection, keyring: Keyring, key_id: str, *, actor: str,
                     grace: dt.timedelta = DEFAULT_GRACE, enterprise_id: int | None = None,
                     now: dt.datetime | None = None) -> IssuedKey:
    """A new key for the same enterprise; the old one keeps working for ``grace``."""
    now = now or utcnow()
    old = await _row(conn, key_id, enterprise_id)
    if _status(old, now) in ("REVOKED", "EXPIRED"):
        raise KeyRevoked(f"key {key_id} is {_status(old, now).lower()}; create a new key instead",
                         params={"key": key_id})
    issued = await _insert_key(conn, keyring, old.enterprise_id, old.label)
    until = now + grace
    if old.expires_at is not None and old.expires_at < until:
        until = old.expires_at
    await conn.execute(update(api_keys).where(api_keys.c.key_id == key_id)
                       .values(expires_at=until, replaced_by=issued.key_id))
    await record(conn, Event(actor, "key.rotated", "api_key", key_id, old.enterprise_id,
                             {"new_key_id": issued.key_id, "old_valid_until": until.isoformat()}))
    return issued


async def revoke_key(conn: AsyncConnection, key_id: str, *, actor: str, enterprise_id: int | None = None,
                     now: dt.datetime | None = None) -> KeyInfo:
    row = await _row(conn, key_id, enterprise_id)
    if row.revoked_at is not None:
        raise KeyRevoked(f"key {key_id} is already revoked", params={"key": key_id})
    await conn.execute(update(api_keys).where(api_keys.c.key_id == key_id).values(revoked_at=now or utcnow()))
    await record(conn, Event(actor, "key.revoked", "api_key", key_id, row.enterprise_id, {}))
    return (await list_keys(conn, row.enterprise_id, key_id=key_id))[0]


async def list_keys(conn: AsyncConnection, enterprise_id: int, *, key_id: str | None = None,
                    now: dt.datetime | None = None) -> list[KeyInfo]:
    """Keys of an enterprise with their status (never their secrets)."""
    await get_enterprise(conn, enterprise_id)
    now = now or utcnow()
    query = select(api_keys).where(api_keys.c.enterprise_id == enterprise_id)
    if key_id is not None:
        query = query.where(api_keys.c.key_id == key_id)
    rows = await conn.execute(query.order_by(api_keys.c.created_at, api_keys.c.key_id))
    return [KeyInfo(r.key_id, r.enterprise_id, r.label, _status(r, now), r.created_at, r.expires_at,
                    r.replaced_by, r.revoked_at) for r in rows]


def _usable(now: Any) -> Any:  # a datetime, or a bound parameter
    return (api_keys.c.revoked_at.is_(None)) & or_(api_keys.c.expires_at.is_(None), api_keys.c.expires_at > now)


#: ``(enterprise_id, secret_enc)`` of a key if it is usable; parameters ``key_id`` and
#: ``now``. Built once: a caller does not pay for building the statement.
USABLE_KEY = select(api_keys.c.enterprise_id, api_keys.c.secret_enc).where(
    api_keys.c.key_id == bindparam("key_id"), _usable(bindparam("now")))

#: ``(key_id, enterprise_id, secret_enc)`` of each usable key among ``key_ids`` (a list)
#: at ``now``: the OEM request verifier reads it for every request (the requests that
#: arrive together share one read), so a revocation holds at once in every process.
USABLE_KEYS = select(api_keys.c.key_id, api_keys.c.enterprise_id, api_keys.c.secret_enc).where(
    in_list(api_keys.c.key_id, "key_ids", expanding_on_sqlite=True), _usable(bindparam("now")))


async def still_usable(conn: AsyncConnection, key_ids: Iterable[str], *, now: dt.datetime | None = None
                       ) -> dict[str, int]:
    """key id -> enterprise id of those of ``key_ids`` usable now (not revoked, not past
    their grace), read in the caller's transaction: a write that checks its key here
    stores nothing for a key revoked a moment before."""
    wanted = sorted(set(key_ids))
    if not wanted:
        return {}
    rows = await conn.execute(USABLE_KEYS, {"key_ids": wanted, "now": now or utcnow()})
    return {row.key_id: row.enterprise_id for row in rows}


def open_secret(keyring: Keyring, key_id: str, secret_enc: str) -> str:
    return keyring.decrypt(secret_enc, _context(key_id))


async def resolve_key(conn: AsyncConnection, keyring: Keyring, key_id: str, *,
                      now: dt.datetime | None = None) -> ActiveKey | None:
    """The enterprise and secret behind a usable key id, or None."""
    row = (await conn.execute(USABLE_KEY, {"key_id": key_id, "now": now or utcnow()})).first()
    if row is None:
        return None
    return ActiveKey(key_id, row.enterprise_id, open_secret(keyring, key_id, row.secret_enc))


async def signing_key(conn: AsyncConnection, keyring: Keyring, enterprise_id: int, *,
                      now: dt.datetime | None = None) -> ActiveKey | None:
    """The newest usable key of an enterprise (to sign its webhooks), or None."""
    row = (await conn.execute(select(api_keys.c.key_id, api_keys.c.secret_enc).where(
        api_keys.c.enterprise_id == enterprise_id, _usable(now or utcnow()))
        .order_by(api_keys.c.expires_at.is_not(None), api_keys.c.created_at.desc()).limit(1))).first()
    if row is None:
        return None
    return ActiveKey(row.key_id, enterprise_id, open_secret(keyring, row.key_id, row.secret_enc))

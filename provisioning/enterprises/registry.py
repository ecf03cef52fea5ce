"""Enterprises: OEMs and the agents they authorise to buy cards."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any, Literal

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.checks import check_apn
from provisioning.audit.trail import Event, record
from provisioning.documents import uscc as uscc_format
from provisioning.enterprises.errors import (
    AuthorizationExpired,
    EnterpriseExists,
    EnterpriseInvalid,
    EnterpriseNotFound,
    UsccInvalid,
)
from provisioning.enterprises.kinds import ENTERPRISE_KINDS as KINDS
from provisioning.enterprises.tables import enterprises

Kind = Literal["OEM", "AGENT"]
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


@dataclasses.dataclass(frozen=True)
class Enterprise:
    id: int
    name: str
    uscc: str
    kind: str
    authorized_by: int | None
    authorized_from: dt.date | None
    authorized_until: dt.date | None
    callback_url: str | None
    apn: str
    created_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def check_may_buy(self, today: dt.date) -> None:
        """An agent buys only while its authorisation is valid."""
        if self.kind != "AGENT":
            return
        if self.authorized_from and today < self.authorized_from:
            raise AuthorizationExpired(
                f"enterprise {self.id}'s authorisation by enterprise {self.authorized_by} "
                f"starts on {self.authorized_from}")
        if self.authorized_until and today > self.authorized_until:
            raise AuthorizationExpired(
                f"enterprise {self.id}'s authorisation by enterprise {self.authorized_by} "
                f"expired on {self.authorized_until}")


def default_apn(enterprise_id: int) -> str:
    return f"iov-e{enterprise_id}.carrier"


def _check_name(name: str) -> str:
    name = name.strip()
    if not 1 <= len(name) <= 200 or any(ord(c) < 32 for c in name):
        raise EnterpriseInvalid("name must be 1 to 200 printable characters", field="name")
    return name


def _check_uscc(code: str) -> str:
    try:
        return uscc_format.validate(code)
    except ValueError as exc:
        raise UsccInvalid(f"Unified Social Credit Code is invalid: {exc}", field="uscc") from None


def check_callback_url(url: str | None) -> str | None:
    if url is None or url == "":
        return None
    if len(url) > 500 or not _URL.match(url):
        raise EnterpriseInvalid("callback URL must be an http(s) URL of at most 500 characters",
                                field="callback_url")
    return url




async def add_enterprise(
    conn: AsyncConnection, *, name: str, uscc: str, actor: str, kind: str = "OEM",
    authorized_by: int | None = None, authorized_from: dt.date | None = None,
    authorized_until: dt.date | None = None, callback_url: str | None = None, apn: str | None = None,
) -> Enterprise:
    """Record a purchasing enterprise. An AGENT names the OEM that authorised it and
    until when; an OEM has no authoriser."""
    if kind not in KINDS:
        raise EnterpriseInvalid(f"kind must be OEM or AGENT, not {kind!r}", field="kind")
    values: dict[str, Any] = {"name": _check_name(name), "uscc": _check_uscc(uscc), "kind": kind,
                              "callback_url": check_callback_url(callback_url)}
    if kind == "AGENT":
        if authorized_by is None or authorized_until is None:
            raise EnterpriseInvalid("an AGENT needs --authorized-by (the OEM) and --authorized-until",
                                    field="authorized_by")
        oem = await get_enterprise(conn, authorized_by)
        if oem.kind != "OEM":
            raise EnterpriseInvalid(f"enterprise {authorized_by} is an AGENT; only an OEM authorises agents",
                                    field="authorized_by")
        if authorized_from and authorized_from > authorized_until:
            raise EnterpriseInvalid("the authorisation ends before it starts", field="authorized_until")
        values.update(authorized_by=authorized_by, authorized_from=authorized_from,
                      authorized_until=authorized_until)
    elif authorized_by is not None or authorized_until is not None:
        raise EnterpriseInvalid("only an AGENT has an authorising OEM", field="authorized_by")
    taken = (await conn.execute(select(enterprises.c.id).where(enterprises.c.uscc == values["uscc"]))).scalar()
    if taken is not None:
        raise EnterpriseExists(f"USCC {values['uscc']} is already enterprise {taken}", field="uscc",
                               params={"enterprise": taken})
    values["apn"] = check_apn(apn) if apn else "pending"
    new_id = (await conn.execute(insert(enterprises).values(**values).returning(enterprises.c.id))).scalar_one()
    if not apn:
        await conn.execute(update(enterprises).where(enterprises.c.id == new_id).values(apn=default_apn(new_id)))
    ent = await get_enterprise(conn, new_id)
    await record(conn, Event(actor, "enterprise.created", "enterprise", new_id, new_id,
                             {"kind": kind, "uscc": ent.uscc, "authorized_by": authorized_by, "apn": ent.apn}))
    return ent


def _from_row(row: Any) -> Enterprise:
    return Enterprise(**{f.name: getattr(row, f.name) for f in dataclasses.fields(Enterprise)})


async def find_enterprise(conn: AsyncConnection, enterprise_id: int) -> Enterprise | None:
    row = (await conn.execute(select(enterprises).where(enterprises.c.id == enterprise_id))).first()
    return _from_row(row) if row else None


async def get_enterprise(conn: AsyncConnection, enterprise_id: int) -> Enterprise:
    ent = await find_enterprise(conn, enterprise_id)
    if ent is None:
        raise EnterpriseNotFound(enterprise_id)
    return ent


async def list_enterprises(conn: AsyncConnection, *, kind: str | None = None) -> list[Enterprise]:
    query = select(enterprises).order_by(enterprises.c.id)
    if kind:
        query = query.where(enterprises.c.kind == kind)
    return [_from_row(r) for r in await conn.execute(query)]


async def update_enterprise(conn: AsyncConnection, enterprise_id: int, *, actor: str,
                            callback_url: str | None = None, authorized_until: dt.date | None = None,
                            name: str | None = None) -> Enterprise:
    """Change the callback URL, the name, or (AGENT) the authorisation's end date."""
    ent = await get_enterprise(conn, enterprise_id)
    values: dict[str, Any] = {}
    if callback_url is not None:
        values["callback_url"] = check_callback_url(callback_url)
    if name is not None:
        values["name"] = _check_name(name)
    if authorized_until is not None:
        if ent.kind != "AGENT":
            raise EnterpriseInvalid("only an AGENT has an authorisation to extend", field="authorized_until")
        values["authorized_until"] = authorized_until
    if not values:
        return ent
    await conn.execute(update(enterprises).where(enterprises.c.id == enterprise_id).values(**values))
    await record(conn, Event(actor, "enterprise.updated", "enterprise", enterprise_id, enterprise_id,
                             {k: str(v) if v is not None else None for k, v in values.items()}))
    return await get_enterprise(conn, enterprise_id)


"""Unmasked reads of personal data: only with a stated purpose, each one audited.

Callers check the reader's role (auditor); this module makes the purpose mandatory and
writes the audit entry (who, which object, why, which fields: never the data) in the
same transaction as the read, so no unmasked answer leaves without its record.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.errors import Invalid
from provisioning.audit.trail import Event, record
from provisioning.enterprises import persons
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.accept import SUBJECT_CONTEXT
from provisioning.registrations.tables import registrations as r
from provisioning.registrations.views import registration_view

READ_ACTION = "personal_data.read"
_MIN_PURPOSE = 8
_MAX_PURPOSE = 300
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class PurposeRequired(Invalid):
    code = "PURPOSE_REQUIRED"
    title = "A purpose is required for an unmasked read"


def check_purpose(purpose: str | None) -> str:
    """The stated purpose, trimmed: 8 to 300 printable characters."""
    text = (purpose or "").strip()
    if len(text) < _MIN_PURPOSE:
        raise PurposeRequired(f"state the purpose of this unmasked read ({_MIN_PURPOSE} to {_MAX_PURPOSE} "
                              "characters, e.g. a case or complaint reference)", field="purpose")
    if len(text) > _MAX_PURPOSE or _CONTROL.search(text):
        raise PurposeRequired(f"the purpose must be at most {_MAX_PURPOSE} printable characters", field="purpose")
    return text


async def audit_read(conn: AsyncConnection, *, actor: str, object_type: str, object_id: str | int,
                     enterprise_id: int | None, purpose: str, fields: list[str], **extra: Any) -> None:
    await record(conn, Event(actor, READ_ACTION, object_type, object_id, enterprise_id,
                             {"purpose": purpose, "fields": fields, **extra}))


async def registration(conn: AsyncConnection, keyring: Keyring, registration_id: str) -> dict[str, Any]:
    """A registration for ops (any enterprise), its subject masked, with its enterprise."""
    view = await registration_view(conn, keyring, registration_id, enterprise_id=None)
    view["enterprise_id"] = (await conn.execute(select(r.c.enterprise_id).where(
        r.c.id == view["registration_id"]))).scalar_one()
    return view


async def unmasked_registration(conn: AsyncConnection, keyring: Keyring, registration_id: str, *, actor: str,
                                purpose: str | None, via: str = "api") -> dict[str, Any]:
    """A registration with its subject in clear (call inside a write transaction)."""
    why = check_purpose(purpose)
    view = await registration_view(conn, keyring, registration_id, enterprise_id=None)
    row = (await conn.execute(select(r.c.subject_enc, r.c.enterprise_id)
                              .where(r.c.id == view["registration_id"]))).one()
    subject = json.loads(keyring.decrypt(row.subject_enc, SUBJECT_CONTEXT))
    view["subject"] = {k: v for k, v in subject.items() if v is not None}
    view["enterprise_id"] = row.enterprise_id
    await audit_read(conn, actor=actor, object_type="registration", object_id=view["registration_id"],
                     enterprise_id=row.enterprise_id, purpose=why, fields=["subject"], via=via)
    return view


async def unmasked_persons(conn: AsyncConnection, keyring: Keyring, enterprise_id: int, *, actor: str,
                           purpose: str | None, on: dt.datetime | None = None, history: bool = False,
                           via: str = "api") -> list[dict[str, Any]]:
    """An enterprise's responsible persons in clear (call inside a write transaction)."""
    why = check_purpose(purpose)
    found = await persons.list_persons(conn, keyring, enterprise_id, on=on, history=history, reveal=True)
    await audit_read(conn, actor=actor, object_type="enterprise", object_id=enterprise_id,
                     enterprise_id=enterprise_id, purpose=why, fields=["responsible_persons"],
                     person_ids=[p.id for p in found], via=via)
    return [p.to_dict() for p in found]

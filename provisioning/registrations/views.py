"""A registration as the OEM sees it: status, reasons and a masked subject."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from numbering.errors import NotFound
from provisioning.privacy.keyring import Keyring
from provisioning.privacy.masking import mask_person
from provisioning.registrations.accept import SUBJECT_CONTEXT
from provisioning.registrations.tables import registrations as r


class RegistrationNotFound(NotFound):
    code = "REGISTRATION_NOT_FOUND"


async def registration_view(conn: AsyncConnection, keyring: Keyring, registration_id: str, *,
                            enterprise_id: int | None) -> dict[str, Any]:
    """Scoped to ``enterprise_id`` (None: any, for ops): another enterprise's registration
    is not found, exactly like a missing one."""
    query = select(r).where(r.c.id == registration_id)
    if enterprise_id is not None:
        query = query.where(r.c.enterprise_id == enterprise_id)
    row = (await conn.execute(query)).first()
    if row is None:
        raise RegistrationNotFound(f"no registration {registration_id[:40]}",
                                   params={"registration": registration_id[:40]})
    subject = json.loads(keyring.decrypt(row.subject_enc, SUBJECT_CONTEXT))
    return {
        "registration_id": row.id,
        "status": row.status,
        "stage": row.stage,
        "iccid": row.iccid or (row.card_ref if len(row.card_ref) >= 18 else None),
        "card_ref": row.card_ref,
        "reasons": json.loads(row.reasons),
        "subject": mask_person({k: v for k, v in subject.items() if v is not None}),
        "vin": row.vin,
        "received_at": row.received_at,
        "decided_at": row.decided_at,
        "attempts": row.attempts,
    }

"""The simulation's figures, read from the database afterwards with the meaning the
inspection report gives them: cards by state, registrations by status (``pushed`` is
every stored registration: verified + superseded + rejected + pending, a superseded one
being a verified registration a later owner change replaced), rejected registrations by
reason code (a registration citing two codes counts under each), webhook events by
outbox status, back-registration flags."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from typing import Any

from sqlalchemy import func, select

from carrier_gateway.db import Database
from provisioning.backfill import status as backfill
from provisioning.cards.states import STATES
from provisioning.cards.tables import cards
from provisioning.enterprises.tables import enterprises
from provisioning.outbox.tables import outbox
from provisioning.registrations.status import RegistrationStatus as RS
from provisioning.registrations.tables import registrations as r


def registration_figures(by_status: Counter[str]) -> dict[str, int]:
    return {"pushed": sum(by_status.values()), "verified": by_status[RS.VERIFIED],
            "superseded": by_status[RS.SUPERSEDED], "rejected": by_status[RS.REJECTED],
            "pending": by_status[RS.PENDING]}


async def database_figures(db: Database, *, deadline: dt.date) -> dict[str, Any]:
    async with db.read() as conn:
        names = dict((await conn.execute(select(enterprises.c.id, enterprises.c.name))).all())
        card_rows = (await conn.execute(select(cards.c.enterprise_id, cards.c.state, func.count())
                                        .group_by(cards.c.enterprise_id, cards.c.state))).all()
        reg_rows = (await conn.execute(select(r.c.enterprise_id, r.c.status, func.count())
                                       .group_by(r.c.enterprise_id, r.c.status))).all()
        reasons = (await conn.execute(select(r.c.enterprise_id, r.c.reasons).where(r.c.status == RS.REJECTED))).all()
        out_rows = (await conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status))).all()
        flags = await backfill.summary(conn, deadline=deadline)
    per: dict[int, dict[str, Any]] = {
        e: {"enterprise_id": e, "name": names[e], "cards": Counter(), "registrations": Counter(),
            "rejected_by_reason": Counter()} for e in sorted(names)}
    for ent, state, n in card_rows:
        per[ent]["cards"][state] += int(n)
    for ent, status, n in reg_rows:
        per[ent]["registrations"][status] += int(n)
    for ent, raw in reasons:
        per[ent]["rejected_by_reason"].update({reason["code"] for reason in json.loads(raw or "[]")})
    total_cards = sum((p["cards"] for p in per.values()), Counter())
    total_regs = sum((p["registrations"] for p in per.values()), Counter())
    total_reasons = sum((p["rejected_by_reason"] for p in per.values()), Counter())
    return {
        "oems": len(per),
        "cards": sum(total_cards.values()),
        "cards_by_state": {s: total_cards[s] for s in STATES},
        "registrations": registration_figures(total_regs),
        "rejected_by_reason": dict(sorted(total_reasons.items())),
        "outbox": {status: int(n) for status, n in sorted(out_rows)},
        "backfill": {"flagged": sum(f.flagged for f in flags), "done": sum(f.done for f in flags),
                     "outstanding": sum(f.outstanding for f in flags), "overdue": sum(f.overdue for f in flags)},
        "per_enterprise": [
            {"enterprise_id": p["enterprise_id"], "name": p["name"], "cards": sum(p["cards"].values()),
             "cards_by_state": {s: p["cards"][s] for s in STATES},
             "registrations": registration_figures(p["registrations"]),
             "rejected_by_reason": dict(sorted(p["rejected_by_reason"].items()))}
            for p in per.values()],
    }


async def registration_outcomes(db: Database, ids: list[str]) -> dict[str, tuple[str, list[str]]]:
    """Status and reason codes of each registration named."""
    found: dict[str, tuple[str, list[str]]] = {}
    async with db.read() as conn:
        for start in range(0, len(ids), 500):
            rows = await conn.execute(select(r.c.id, r.c.status, r.c.reasons).where(r.c.id.in_(ids[start:start + 500])))
            for row in rows:
                found[row.id] = (row.status, sorted({x["code"] for x in json.loads(row.reasons or "[]")}))
    return found

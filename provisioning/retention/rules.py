"""Which personal data has outlived its retention period (pure rules and SQL conditions).

MIIT Order 25 Art. 11: registration data is kept while the service lasts and for 2
years after it ends. Applied here as:

- a registration on a card TERMINATED 2 years ago or more (the card's service ended);
- a REJECTED registration decided 2 years ago or more (no service ever rested on it);
- a SUPERSEDED registration whose successor on the same card was verified 2 years ago
  or more (the earlier owner's service ended at the change of owner);
- a responsible person whose term ended 2 years ago or more (the same rule, applied to
  the enterprise's real-name contact; the roster keeps the term, role and document type).

A PENDING registration is never purged (the verifier still needs it). Job chunks need
no rule: they are deleted when their lines are ingested or their upload is abandoned.
The cut-off is calendar years: a card terminated 2 years + 1 day ago is purged, one
terminated 2 years - 1 day ago is kept.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, exists, literal, not_, or_, select

from provisioning.cards.states import CardState
from provisioning.cards.tables import cards
from provisioning.enterprises.tables import responsible_persons as rp
from provisioning.registrations.status import RegistrationStatus as RS
from provisioning.registrations.tables import registrations as r

YEARS = 2
#: a purged registration's natural key is this prefix plus its id. Recognised by that
#: whole value, never by the prefix alone: a live key leads with the card reference as
#: pushed, which may start with anything (accept.natural_key)
PURGED_KEY_PREFIX = "~"
#: a purged responsible person's blind index
PURGED_INDEX = "~purged"


def cutoff(now: dt.datetime, years: int = YEARS) -> dt.datetime:
    """The instant ``years`` calendar years before ``now`` (29 February becomes 28 February).

    >>> cutoff(dt.datetime(2028, 2, 29, 12, tzinfo=dt.UTC)).isoformat()
    '2026-02-28T12:00:00+00:00'
    """
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def registration_expired(limit: dt.datetime) -> ColumnElement[bool]:
    """Registrations whose retention ended at or before ``limit`` and are not purged yet."""
    terminated = exists(select(cards.c.iccid).where(
        cards.c.iccid == r.c.iccid, cards.c.state == CardState.TERMINATED, cards.c.state_changed_at <= limit))
    rejected = and_(r.c.status == RS.REJECTED, r.c.decided_at <= limit)
    later = r.alias("successor")
    superseded = and_(r.c.status == RS.SUPERSEDED, exists(select(later.c.id).where(
        later.c.iccid == r.c.iccid, later.c.status.in_((RS.VERIFIED, RS.SUPERSEDED)),
        later.c.decided_at > r.c.decided_at, later.c.decided_at <= limit)))
    return and_(r.c.status != RS.PENDING, not_(registration_purged()), or_(terminated, rejected, superseded))


def person_expired(limit: dt.datetime) -> ColumnElement[bool]:
    return and_(rp.c.term_end.is_not(None), rp.c.term_end <= limit, rp.c.id_number_index != PURGED_INDEX)


def purged_key(registration_id: str) -> str:
    """The natural key a purged registration keeps (unique, and no live key's)."""
    return PURGED_KEY_PREFIX + registration_id


def registration_purged() -> ColumnElement[bool]:
    """Registrations whose key is their ``purged_key`` (the same, written in SQL)."""
    return r.c.natural_key == literal(PURGED_KEY_PREFIX) + r.c.id

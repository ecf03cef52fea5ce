"""The carrier's configurable verification policy."""

from __future__ import annotations

import dataclasses
import datetime as dt


@dataclasses.dataclass(frozen=True)
class Policy:
    #: youngest holder age accepted for an individual's registration
    min_age: int = 16
    #: live cards one identity document may hold (一证N卡)
    max_cards_per_document: int = 5
    #: back-registration deadline (补登记); the final notice set 2022-09-30
    backfill_deadline: dt.date = dt.date(2022, 9, 30)
    #: verification claims are leased for this long; a crashed worker's claims come back after it
    lease_seconds: int = 60
    #: identity-authority retries back off up to this long
    max_retry_seconds: int = 600

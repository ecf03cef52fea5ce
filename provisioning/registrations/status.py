"""A registration's status (pure): PENDING until the verifier decides it, then VERIFIED
or REJECTED; a VERIFIED registration becomes SUPERSEDED when a later one is verified for
the same card. A ``StrEnum``: members equal their stored text.

>>> RegistrationStatus.VERIFIED == "VERIFIED", f"{RegistrationStatus.SUPERSEDED}"
(True, 'SUPERSEDED')
"""

from __future__ import annotations

from enum import StrEnum


class RegistrationStatus(StrEnum):
    PENDING = "PENDING"
    VERIFIED = "VERIFIED"
    REJECTED = "REJECTED"
    SUPERSEDED = "SUPERSEDED"

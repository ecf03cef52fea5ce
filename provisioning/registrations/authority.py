"""The identity authority behind an interface: does this name match this document?

Production plugs in the real authority; the sandbox authority answers by name
(docs/domain.md#sandbox-identity-authority):
a name containing 不符 is a mismatch, one containing 超时 is unavailable (the
registration stays PENDING and is retried, never approved), anything else matches.
Fault injection (latency, failure rate) lets testers rehearse outages.
"""

from __future__ import annotations

import asyncio
import enum
import random
from typing import Protocol


class Answer(enum.Enum):
    MATCH = "MATCH"
    MISMATCH = "MISMATCH"
    UNAVAILABLE = "UNAVAILABLE"


class IdentityAuthority(Protocol):
    name: str

    async def check(self, id_type: str, id_number: str, name: str) -> Answer: ...


class SandboxAuthority:
    name = "sandbox"

    def __init__(self, *, latency_seconds: float = 0.0, failure_rate: float = 0.0, seed: int | None = None) -> None:
        self.latency = latency_seconds
        self.failure_rate = failure_rate
        self._random = random.Random(seed)

    async def check(self, id_type: str, id_number: str, name: str) -> Answer:
        if self.latency:
            await asyncio.sleep(self.latency)
        if self.failure_rate and self._random.random() < self.failure_rate:
            return Answer.UNAVAILABLE
        if "超时" in name:
            return Answer.UNAVAILABLE
        if "不符" in name:
            return Answer.MISMATCH
        return Answer.MATCH


class UnconfiguredAuthority:
    """No authority configured (not a sandbox): nothing is approved; registrations wait."""

    name = "none"

    async def check(self, id_type: str, id_number: str, name: str) -> Answer:
        return Answer.UNAVAILABLE

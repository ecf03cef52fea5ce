"""Who is asking, and the per-request keys that carry it."""

from __future__ import annotations

import dataclasses
from typing import Literal

from aiohttp import web


@dataclasses.dataclass(frozen=True)
class Principal:
    kind: Literal["ops", "oem"]
    #: ops: the role; oem: "oem"
    role: str
    #: ops: the token id; oem: the API key id
    key_id: str
    enterprise_id: int | None = None


REQUEST_ID = web.RequestKey("request_id", str)
PRINCIPAL = web.RequestKey("principal", Principal)

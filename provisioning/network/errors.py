"""Errors of the network area, each with a stable code."""

from __future__ import annotations

from numbering.errors import Conflict, Invalid, NotFound


class NasInvalid(Invalid):
    code = "NAS_INVALID"


class NasExists(Conflict):
    code = "NAS_EXISTS"


class NasNotFound(NotFound):
    code = "NAS_NOT_FOUND"

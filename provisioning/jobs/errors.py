"""Typed errors of back-registration jobs."""

from __future__ import annotations

from numbering.errors import Conflict, Invalid, NotFound


class JobNotFound(NotFound):
    code = "JOB_NOT_FOUND"


class EmptyJob(Invalid):
    code = "SCHEMA_INVALID"
    title = "Request does not match the schema"


class JobAbandoned(Conflict):
    """The upload took so long that it was given up as dead while it was being stored."""

    code = "JOB_ABANDONED"

"""Typed errors of back-registration jobs."""

from __future__ import annotations

from numbering.errors import Conflict, DomainError, Invalid, NotFound


class JobNotFound(NotFound):
    code = "JOB_NOT_FOUND"


class EmptyJob(Invalid):
    code = "SCHEMA_INVALID"
    title = "Request does not match the schema"


class JobAbandoned(Conflict):
    """The upload took so long that it was given up as dead while it was being stored."""

    code = "JOB_ABANDONED"


class JobTooLarge(DomainError):
    """More lines or bytes than one job may hold; nothing of it is kept."""

    status = 413
    code = "JOB_TOO_LARGE"
    title = "Job too large"


class TooManyOpenJobs(DomainError):
    """The enterprise already has as many jobs being received or ingested as it may."""

    status = 429
    code = "TOO_MANY_OPEN_JOBS"
    title = "Too many jobs in progress"
    #: seconds to wait: ingestion frees a job within seconds to minutes
    retry_after = 30.0

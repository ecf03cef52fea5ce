"""Typed domain errors shared by every domain package.

Domain code raises these; the HTTP layer turns them into ``application/problem+json``
and the CLI into a one-line message. Each class carries the HTTP status and a stable
machine-readable ``code`` that users and scripts may rely on.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """Base of every error the domain raises on purpose.

    ``detail`` says what is wrong in an English sentence; ``params`` are the values it names
    that are data, not prose (an id, a number, a state), so that a reader in another
    language can be told the same error in a translated sentence with those values.

    >>> err = NotFound("no number segment 7", params={"segment": 7})
    >>> err.code, err.detail, err.params, err.field
    ('NOT_FOUND', 'no number segment 7', {'segment': 7}, None)
    """

    status: int = 400
    code: str = "BAD_REQUEST"
    title: str = "Bad request"

    def __init__(self, detail: str, *, code: str | None = None, field: str | None = None,
                 params: Mapping[str, object] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.field = field
        self.params = dict(params or {})

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"code": self.code, "message": self.detail}
        if self.field is not None:
            out["field"] = self.field
        return out


class NotFound(DomainError):
    status = 404
    code = "NOT_FOUND"
    title = "Not found"


class Conflict(DomainError):
    """The request is well-formed but clashes with the current state."""

    status = 409
    code = "CONFLICT"
    title = "Conflict"


class Invalid(DomainError):
    """The input breaks a rule (a format, a range, a checksum)."""

    status = 422
    code = "INVALID"
    title = "Invalid input"


class Exhausted(Conflict):
    """A segment, block or pool has no room for the request."""

    code = "EXHAUSTED"
    title = "Resource exhausted"


class Forbidden(DomainError):
    status = 403
    code = "FORBIDDEN"
    title = "Forbidden"

"""Errors of the enterprises area, each with a stable code."""

from __future__ import annotations

from numbering.errors import Conflict, Forbidden, Invalid, NotFound


class EnterpriseNotFound(NotFound):
    code = "ENTERPRISE_NOT_FOUND"

    def __init__(self, enterprise_id: int) -> None:
        super().__init__(f"no enterprise with id {enterprise_id}", params={"enterprise": enterprise_id})


class EnterpriseExists(Conflict):
    code = "ENTERPRISE_EXISTS"


class EnterpriseInvalid(Invalid):
    code = "ENTERPRISE_INVALID"


class UsccInvalid(Invalid):
    code = "USCC_INVALID"


class AuthorizationExpired(Forbidden):
    code = "AUTHORIZATION_EXPIRED"


class DestinationInvalid(Invalid):
    code = "DESTINATION_INVALID"


class DestinationLimit(Conflict):
    code = "DESTINATION_LIMIT"


class DestinationNotFound(NotFound):
    code = "DESTINATION_NOT_FOUND"


class PersonInvalid(Invalid):
    code = "PERSON_INVALID"


class KeyNotFound(NotFound):
    code = "KEY_NOT_FOUND"

    def __init__(self, key_id: str) -> None:
        super().__init__(f"no API key {key_id!r}", params={"key": key_id})


class KeyRevoked(Conflict):
    code = "KEY_REVOKED"

"""A domain error in the reader's language: a sentence for its code, the label of the field
it concerns, and the values it names (an id, a state) as they are.

A domain error's ``detail`` is an English sentence: precise, but English. A reader of the
English console gets it after the sentence; a reader of the Chinese console gets the
translated sentence and the error's ``params`` instead, never English prose. Every code the
domain can raise has its sentence here (tests/api/console/test_console_errors.py walks
them all); a code added without one is told by its HTTP status meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable

from carrier_gateway.console import i18n
from carrier_gateway.console.i18n import _
from numbering.errors import DomainError

#: error code -> what a person is told
MESSAGES: dict[str, Callable[[], str]] = {
    # numbering: numbers, addresses, the carrier profile
    "ADDRESS_NOT_ASSIGNED": lambda: _("This address is not assigned to any card."),
    "BLOCK_IN_USE": lambda: _("Numbers of this block are still assigned to cards: terminate those cards first."),
    "CARRIER_LOCKED": lambda: _("This database already holds numbers of its carrier: it cannot become another "
                                "carrier."),
    "EXHAUSTED": lambda: _("Not enough free numbers or addresses for this request."),
    "MSISDN_INVALID": lambda: _("Not a valid MSISDN (13 digits)."),
    "MSISDN_NOT_ASSIGNED": lambda: _("This number is not assigned to a card, or is already cooling off."),
    "POOL_OVERLAP": lambda: _("This prefix overlaps an IP pool already recorded."),
    "PREFIX_IN_USE": lambda: _("Addresses of this prefix are still assigned to cards: release them first."),
    "SEGMENT_OVERLAP": lambda: _("This range overlaps a number segment already recorded."),
    # enterprises, persons, keys
    "AUTHORIZATION_EXPIRED": lambda: _("The agent's authorisation by its OEM has ended."),
    "DESTINATION_INVALID": lambda: _("Not a valid destination of this kind."),
    "DESTINATION_LIMIT": lambda: _("The enterprise already has as many destinations of this kind as allowed."),
    "DESTINATION_NOT_FOUND": lambda: _("The enterprise has no such destination."),
    "ENTERPRISE_EXISTS": lambda: _("An enterprise with this USCC is already recorded."),
    "ENTERPRISE_INVALID": lambda: _("This value is not accepted for an enterprise."),
    "ENTERPRISE_NOT_FOUND": lambda: _("No enterprise with this id."),
    "KEY_NOT_FOUND": lambda: _("No such key."),
    "KEY_REVOKED": lambda: _("This key is revoked or expired."),
    "PERSON_INVALID": lambda: _("This value is not accepted for a person."),
    "USCC_INVALID": lambda: _("Not a valid Unified Social Credit Code."),
    # identity documents and devices
    "ID_NUMBER_INVALID": lambda: _("Not a valid number for this identity document."),
    "ID_TYPE_UNSUPPORTED": lambda: _("This identity document type is not accepted."),
    "IMEI_INVALID": lambda: _("Not a valid IMEI."),
    "NAME_INVALID": lambda: _("Not a valid name."),
    "VIN_INVALID": lambda: _("Not a valid VIN."),
    # cards and orders
    "CARD_INVALID": lambda: _("This value is not accepted for a card."),
    "CARD_NOT_FOUND": lambda: _("No card with this identifier."),
    "CARD_STATE_CONFLICT": lambda: _("The card's current state does not allow this change."),
    "ORDER_COMPLETE": lambda: _("This order is already complete."),
    "ORDER_INVALID": lambda: _("This order is not accepted."),
    "ORDER_NOT_FOUND": lambda: _("No such order."),
    # registrations, jobs, personal data, reports, RADIUS clients
    "IDEMPOTENCY_KEY_REUSED": lambda: _("This idempotency key was already used for a different request."),
    "JOB_ABANDONED": lambda: _("The upload took too long to store and was given up: upload it again."),
    "JOB_NOT_FOUND": lambda: _("No such job."),
    "JOB_TOO_LARGE": lambda: _("The file is larger than one job may be: split it into several jobs."),
    "NAS_EXISTS": lambda: _("A RADIUS client with this name or address is already recorded."),
    "NAS_INVALID": lambda: _("This value is not accepted for a RADIUS client."),
    "NAS_NOT_FOUND": lambda: _("No such RADIUS client."),
    "NOT_STORED": lambda: _("The record was not stored: the database refused it."),
    "PURPOSE_REQUIRED": lambda: _("State the purpose of this read (8 to 300 characters)."),
    "REGISTRATION_NOT_FOUND": lambda: _("No such registration."),
    "REPORT_OPTION_INVALID": lambda: _("This report option is not accepted."),
    "STORAGE_UNAVAILABLE": lambda: _("The database could not store this now: try again shortly."),
    "TOO_MANY_OPEN_JOBS": lambda: _("The enterprise has too many jobs not yet ingested: wait for some to finish."),
    # the service's own refusals
    "RATE_LIMITED": lambda: _("Too many requests: wait a moment and try again."),
    "ROLE_FORBIDDEN": lambda: _("Your role may not do this."),
    "SCHEMA_INVALID": lambda: _("The input does not have the expected form."),
    "TOO_MANY_UPLOADS": lambda: _("Too many uploads at once with this key: wait for one to finish."),
    "UNAUTHENTICATED": lambda: _("The credentials are missing or not accepted."),
    "UNSUPPORTED_CONTENT_ENCODING": lambda: _("This content encoding is not supported."),
    "UNSUPPORTED_MEDIA_TYPE": lambda: _("This media type is not supported."),
    # the general kinds, also said for a code without a sentence of its own
    "BAD_REQUEST": lambda: _("This request is not accepted."),
    "CONCURRENT_CHANGE": lambda: _("Someone else changed this at the same time: reload and try again."),
    "CONFLICT": lambda: _("This clashes with the current state: reload and check."),
    "FORBIDDEN": lambda: _("This is not allowed."),
    "INVALID": lambda: _("This value is not accepted."),
    "NOT_FOUND": lambda: _("Not found."),
}
#: HTTP status -> the general kind said for a code without a sentence of its own
_BY_STATUS = {403: "FORBIDDEN", 404: "NOT_FOUND", 409: "CONFLICT", 422: "INVALID"}

#: a field a domain error names -> its label (the forms' own words where a form has the field)
FIELDS: dict[str, Callable[[], str]] = {
    "address": lambda: _("Address"),
    "addresses": lambda: _("IP addresses"),
    "apn": lambda: _("APN"),
    "authorized_by": lambda: _("Authorised by"),
    "authorized_from": lambda: _("Authorised from"),
    "authorized_until": lambda: _("Authorised until"),
    "callback_url": lambda: _("Webhook URL"),
    "carrier": lambda: _("Carrier"),
    "cause": lambda: _("Suspension cause"),
    "chunk_size": lambda: _("Cards per chunk"),
    "cidr": lambda: _("Prefix"),
    "count": lambda: _("Count"),
    "days": lambda: _("Cooling-off days"),
    "email": lambda: _("Email"),
    "enterprise_id": lambda: _("Enterprise"),
    "first": lambda: _("First"),
    "format": lambda: _("Format"),
    "iccids": lambda: _("ICCID"),
    "id_number": lambda: _("ID number"),
    "id_type": lambda: _("ID type"),
    "imei": lambda: _("IMEI"),
    "kind": lambda: _("Kind"),
    "label": lambda: _("Label"),
    "last": lambda: _("Last"),
    "limit": lambda: _("Page size"),
    "msisdn": lambda: _("MSISDN"),
    "msisdns": lambda: _("MSISDN"),
    "name": lambda: _("Name"),
    "phone": lambda: _("Phone"),
    "pool_id": lambda: _("Pool"),
    "prefix": lambda: _("Prefix"),
    "prefix_length": lambda: _("Prefix length"),
    "purpose": lambda: _("Purpose"),
    "reason": lambda: _("Reason"),
    "role": lambda: _("Role"),
    "secret": lambda: _("Secret"),
    "section": lambda: _("Section"),
    "segment_id": lambda: _("Segment"),
    "state": lambda: _("State"),
    "usage": lambda: _("Usage"),
    "uscc": lambda: _("Unified Social Credit Code"),
    "value": lambda: _("Value"),
    "vin": lambda: _("VIN"),
}


def sentence(exc: DomainError) -> str:
    """The sentence for the error's code, or for its general kind."""
    told = MESSAGES.get(exc.code) or MESSAGES[_BY_STATUS.get(exc.status, "BAD_REQUEST")]
    return told()


def explain(exc: DomainError, *, beside_field: bool = False) -> str:
    """``exc`` for a person: its sentence, after the label of its field (unless it is shown
    beside that field), then the English detail on an English page, or else its values."""
    told = sentence(exc)
    label = None if beside_field or exc.field is None else FIELDS.get(exc.field)
    if label is not None:
        told = _("%(field)s: %(sentence)s", field=label(), sentence=told)
    if i18n.as_written():
        return f"{told} ({exc.detail})"
    if exc.params:
        return _("%(sentence)s (%(values)s)", sentence=told, values=", ".join(str(v) for v in exc.params.values()))
    return told

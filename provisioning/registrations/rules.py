"""Checks of one registration record that need no database (pure).

Every failure becomes a reason ``{"code", "field", "message"}`` with a reason code
(docs/oem-api.md#reason-codes); all failures are collected, so a rejection names every problem at once.
Messages never repeat the submitted personal data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from provisioning.documents import checks
from provisioning.documents.dispatch import age_on, inspect_document, validate_document
from provisioning.documents.errors import DocumentError
from provisioning.registrations.policy import Policy
from provisioning.registrations.records import Person, RegistrationRecord, Subject

Reason = dict[str, Any]


def reason(code: str, field: str | None, message: str) -> Reason:
    return {"code": code, "field": field, "message": message}


@dataclasses.dataclass
class Checked:
    """The outcome of the pure checks, plus what the database checks need."""

    reasons: list[Reason]
    #: the normalised identity-document key of an individual (for the per-document cap)
    identity: str | None = None
    vin: str | None = None
    imei: str | None = None


def _guard(reasons: list[Reason], prefix: str, fn: Any, *args: Any, **kw: Any) -> Any:
    try:
        return fn(*args, **kw)
    except DocumentError as exc:
        field = f"{prefix}{exc.field}" if exc.field else prefix.rstrip(".") or None
        reasons.append(reason(exc.code, field, exc.detail))
        return None


def _person(reasons: list[Reason], person: Person, prefix: str, today: dt.date) -> None:
    _guard(reasons, prefix, checks.validate_person_name, person.name, field="name")
    _guard(reasons, prefix, validate_document, person.id_type, person.id_number, today=today)


def check_record(record: RegistrationRecord, *, today: dt.date, policy: Policy) -> Checked:
    return check_parts(record.subject, record.vin, record.imei, record.sold_at, today=today, policy=policy)


def check_parts(subject: Subject, vin: str, imei: str | None, sold_at: dt.date | None, *, today: dt.date,
                policy: Policy, inspected: tuple[str, dt.date | None] | None = None) -> Checked:
    """``inspected``: an individual's document as ``inspect_document`` read it on
    ``today`` (acceptance did that moment ago), so it is not read again."""
    reasons: list[Reason] = []
    out = Checked(reasons)
    out.vin = _guard(reasons, "", checks.validate_vin, vin, field="vin")
    if imei is not None:
        out.imei = _guard(reasons, "", checks.validate_imei, imei, field="imei")
    if subject.type == "INDIVIDUAL":
        _individual(out, subject, today, policy, inspected)
    else:
        _guard(reasons, "subject.", checks.validate_organization_name, subject.name, field="name")
        _guard(reasons, "subject.", checks.validate_uscc, subject.uscc or "", field="uscc")
        if subject.agent is None:
            reasons.append(reason("AGENT_REQUIRED", "subject.agent",
                                  "an organisation registers through an agent (经办人) with their own ID"))
        else:
            _person(reasons, subject.agent, "subject.agent.", today)
        if subject.responsible_person is not None:
            _person(reasons, subject.responsible_person, "subject.responsible_person.", today)
    if sold_at is not None and sold_at > today:
        reasons.append(reason("SCHEMA_INVALID", "sold_at", "sold_at is in the future"))
    return out


def _individual(out: Checked, subject: Subject, today: dt.date, policy: Policy,
                inspected: tuple[str, dt.date | None] | None) -> None:
    reasons = out.reasons
    _guard(reasons, "subject.", checks.validate_person_name, subject.name, field="name")
    if inspected is None:
        id_type, number = subject.id_type or "", subject.id_number or ""
        inspected = _guard(reasons, "subject.", inspect_document, id_type, number, today=today)
    if inspected is None:
        return
    out.identity, birth = inspected
    expires = subject.id_expires
    if isinstance(expires, dt.date) and expires < today:
        reasons.append(reason("ID_EXPIRED", "subject.id_expires", f"the document expired on {expires.isoformat()}"))
    if birth is not None and age_on(birth, today) < policy.min_age:
        reasons.append(reason("HOLDER_UNDERAGE", "subject.id_number",
                              f"the holder is under {policy.min_age}; a guardian must register"))

"""The error the document API raises, with a reason code (docs/oem-api.md#reason-codes).

:class:`DocumentError` is both a ``ValueError`` (like the format modules' errors)
and a :class:`numbering.errors.Invalid` (so the one HTTP error mapping turns it
into a 422 problem with its ``code`` and ``field``). Its message says what is
wrong and where, and never repeats the submitted value: identity numbers and
names are personal data and must not reach logs.
"""

from __future__ import annotations

from numbering.errors import Invalid

__all__ = [
    "ID_NUMBER_INVALID",
    "ID_TYPE_UNSUPPORTED",
    "IMEI_INVALID",
    "NAME_INVALID",
    "USCC_INVALID",
    "VIN_INVALID",
    "DocumentError",
]

ID_TYPE_UNSUPPORTED = "ID_TYPE_UNSUPPORTED"
ID_NUMBER_INVALID = "ID_NUMBER_INVALID"
NAME_INVALID = "NAME_INVALID"
USCC_INVALID = "USCC_INVALID"
VIN_INVALID = "VIN_INVALID"
IMEI_INVALID = "IMEI_INVALID"


class DocumentError(Invalid, ValueError):
    """A document, name or device identifier that fails its format rules.

    >>> err = DocumentError('RESIDENT_ID: birth date is in the future', code=ID_NUMBER_INVALID, field='id_number')
    >>> err.code, err.field, isinstance(err, ValueError)
    ('ID_NUMBER_INVALID', 'id_number', True)
    >>> err.to_dict()['message']
    'RESIDENT_ID: birth date is in the future'
    """

    title = "Invalid document"

    def __init__(self, detail: str, *, code: str, field: str | None = None) -> None:
        super().__init__(detail, code=code, field=field)

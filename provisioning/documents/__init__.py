"""Identity and vehicle document formats (pure, python-stdnum style).

One module per format, each with ``compact``, ``validate`` (the normalised value
or a ``stdnum.exceptions.ValidationError``, a ``ValueError``), ``is_valid`` and
doctests: :mod:`.resident_id`, :mod:`.residence_permit`,
:mod:`.permanent_resident` (all on :mod:`.gb11643`), :mod:`.hk_macao_permit`,
:mod:`.taiwan_permit`, :mod:`.passport`, :mod:`.military`, :mod:`.uscc`,
:mod:`.vin`, :mod:`.imei`, :mod:`.names`, :mod:`.org_names`.

Every value is checked, stored and indexed in one normalised form:
:func:`normalise_name` for person names, :func:`normalise_text` (NFKC, stripped)
for document numbers and other identity strings; neither ever raises, and the
checks apply them first, so a stored value is judged as it was stored.

The API below turns their errors into :class:`DocumentError` with a reason code
(docs/oem-api.md#reason-codes); :mod:`.fake` makes valid and invalid values for tests and the
simulator.
"""

from provisioning.documents._text import normalise_text
from provisioning.documents.checks import (
    validate_imei,
    validate_organization_name,
    validate_person_name,
    validate_uscc,
    validate_vin,
)
from provisioning.documents.dispatch import (
    SUPPORTED_ID_TYPES,
    age_on,
    birth_date_of,
    identity_key,
    validate_document,
)
from provisioning.documents.errors import DocumentError
from provisioning.documents.names import normalise_name

__all__ = [
    "SUPPORTED_ID_TYPES",
    "DocumentError",
    "age_on",
    "birth_date_of",
    "identity_key",
    "normalise_name",
    "normalise_text",
    "validate_document",
    "validate_imei",
    "validate_organization_name",
    "validate_person_name",
    "validate_uscc",
    "validate_vin",
]

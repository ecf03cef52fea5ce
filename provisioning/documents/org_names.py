"""Organisation names (单位名称) as registered with a Unified Social Credit Code.

Same NFKC normalisation and refusals as :mod:`.names` (control, invisible and
private-use characters), but digits are allowed. Allowed characters: Chinese
characters, Latin letters, digits 0-9, space and ``( ) & . , - ' · / 、``.
Brackets must balance. Whitespace runs become one space. Canonical brackets:
names containing Chinese characters use full-width ``（ ）`` as on Chinese
business licences, Latin-only names use ASCII ``( )`` (NFKC turns either input
into ASCII first, so both spellings of one name compare equal). Middle-dot
look-alikes become ``·`` as in person names (but ``.`` stays: ``Co., Ltd.``). Length 2 to 150 characters, with at
least one Chinese character or Latin letter.

>>> validate_organization_name('比亚迪汽车工业有限公司(深圳分公司)')
'比亚迪汽车工业有限公司（深圳分公司）'
>>> validate_organization_name('BMW Brilliance  Automotive Ltd.')
'BMW Brilliance Automotive Ltd.'
>>> validate_organization_name('某某科技（北京有限公司')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidFormat: organisation name has unbalanced brackets
"""

from __future__ import annotations

from stdnum.exceptions import InvalidFormat

from provisioning.documents._text import is_han
from provisioning.documents.names import DOT_LOOKALIKES, MIDDLE_DOT, check_length, is_latin_letter, prepare

__all__ = ["ORGANIZATION_LENGTH", "is_valid_organization_name", "validate_organization_name"]

ORGANIZATION_LENGTH = (2, 150)
_PUNCTUATION = frozenset(" ()&.,-'·/、")
_DOTS = str.maketrans(dict.fromkeys(DOT_LOOKALIKES, MIDDLE_DOT))


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def validate_organization_name(name: str) -> str:
    """Return the normalised name or raise a ``stdnum`` ValidationError."""
    text = prepare(name, limit=ORGANIZATION_LENGTH[1], digits_allowed=True)
    text = " ".join(text.translate(_DOTS).split())
    for char in text:
        if not (is_han(char) or is_latin_letter(char) or char in _PUNCTUATION or char in "0123456789"):
            raise InvalidFormat(
                "organisation name contains a character other than Chinese characters, "
                "Latin letters, digits, spaces and ( ) & . , - ' · / 、"
            )
    if not any(is_han(char) or is_latin_letter(char) for char in text):
        raise InvalidFormat("organisation name has no Chinese character or Latin letter")
    if not _balanced(text):
        raise InvalidFormat("organisation name has unbalanced brackets")
    if any(is_han(char) for char in text):
        text = text.replace("(", "（").replace(")", "）")
    return check_length(text, ORGANIZATION_LENGTH)


def is_valid_organization_name(name: str) -> bool:
    """Whether :func:`validate_organization_name` accepts ``name``."""
    try:
        return bool(validate_organization_name(name))
    except ValueError:
        return False

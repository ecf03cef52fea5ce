"""Person names as registered: Chinese names and Latin-script names.

A name is normalised once, by :func:`normalise_name`, and the rules then judge
that form, which is also the form stored and compared (so what was checked is what
is kept). Normalising never refuses anything:

* NFKC: full-width Latin letters (``Ｊｏｈｎ``), the ideographic space, Kangxi
  radicals and CJK compatibility ideographs (U+F900 ``豈`` becomes U+8C48) are
  input artefacts, not different names;
* surrounding whitespace dropped, runs of spaces inside become one space;
* apostrophe look-alikes (``’`` ``‘`` ``ʼ`` ...) become ``'``;
* look-alikes of the middle dot ``·`` (U+00B7) become U+00B7: ``•`` U+2022,
  ``・`` U+30FB (and half-width ``･``), ``‧`` U+2027, ``∙`` U+2219, ``⋅`` U+22C5,
  ``⸱`` U+2E31, ``⸳`` U+2E33, ``ꞏ`` U+A78F, ``ᆞ``/``ㆍ`` (Hangul araea), ``᛫``
  U+16EB, ``ᐧ`` U+1427, ``⦁`` U+2981 (U+0387 is U+00B7 after NFKC); in a name
  with Chinese characters the full stop ``.`` (and ``．``) too.

One rule for the dot, then: whatever it was typed as, it is stored as U+00B7, and
U+00B7 is allowed only between the parts of a Chinese name; a Latin name holding
one is refused (NAME_INVALID) like any other foreign character.

Rejected anywhere in a name: control, format (zero-width, bidi), private-use and
unassigned characters, and digits.

* Chinese names (any Han character present): Han characters and the middle
  dot ``·`` that separates the parts of minority names such as
  ``阿卜杜·热合曼``. No spaces, no Latin letters, no leading, trailing or doubled
  dot; 2 to 30 characters.
* Latin names (foreigners, as in the passport's machine-readable zone): Latin
  letters (accents allowed), single spaces, hyphens, apostrophes and dots, each
  word starting with a letter; 2 to 100 characters. Letter case is kept.

Names in other scripts are refused: registrations carry the name printed on a
Chinese document or in a passport's machine-readable zone, which is Latin.

>>> normalise_name('ＪＯＨＮ  ＳＭＩＴＨ'), normalise_name('阿卜杜・热合曼'), normalise_name('\uf900三')
('JOHN SMITH', '阿卜杜·热合曼', '豈三')
>>> validate_person_name(' 阿卜杜•热合曼 ')
'阿卜杜·热合曼'
>>> validate_person_name("Seán  O’Brien-Smith")
"Seán O'Brien-Smith"
>>> validate_person_name('张3')
Traceback (most recent call last):
    ...
stdnum.exceptions.InvalidFormat: name contains a digit
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from stdnum.exceptions import InvalidFormat, InvalidLength

from provisioning.documents._text import HAN_CLASS, has_han, is_han, normalise_text

__all__ = [
    "CHINESE_LENGTH",
    "LATIN_LENGTH",
    "MIDDLE_DOT",
    "is_chinese_name",
    "is_valid_person_name",
    "normalise_name",
    "validate_person_name",
]

MIDDLE_DOT = "\u00b7"
CHINESE_LENGTH = (2, 30)
LATIN_LENGTH = (2, 100)
#: look-alikes of U+00B7 after NFKC (U+FF65 is U+30FB, U+318D is U+119E, U+0387 is U+00B7)
DOT_LOOKALIKES = "\u2022\u30fb\u2027\u2219\u22c5\u2e31\u2e33\ua78f\u119e\u16eb\u1427\u2981"
_LOOKALIKES = str.maketrans({**dict.fromkeys(DOT_LOOKALIKES, MIDDLE_DOT),
                             **dict.fromkeys("\u2019\u2018\u02bc\u0060\u00b4\u2032", "'")})
_SPACES = re.compile(r" {2,}")
_LATIN_SHAPE = re.compile(r"a+(?:[-'.]a+)*\.?(?: a+(?:[-'.]a+)*\.?)*")
#: names every rule below accepts as they stand (the common case, judged in one match):
#: Han characters with single middle dots between the parts; ASCII letters in the Latin
#: shape. Anything else goes through the rules one by one (which name what is wrong).
_PLAIN_CHINESE = re.compile(f"[{HAN_CLASS}]+(?:{MIDDLE_DOT}[{HAN_CLASS}]+)*")
_PLAIN_LATIN = re.compile(r"[A-Za-z]+(?:[-'.][A-Za-z]+)*\.?(?: [A-Za-z]+(?:[-'.][A-Za-z]+)*\.?)*")


def is_latin_letter(char: str) -> bool:
    """A letter of the Latin script (``é``, ``ß`` and ``ł`` included)."""
    return unicodedata.category(char).startswith("L") and unicodedata.name(char, "").startswith("LATIN ")


def normalise_name(name: str) -> str:
    """A person's name in the form it is checked, stored and indexed in (never raises).

    Idempotent: a normalised name normalises to itself. Characters the rules refuse
    (controls, bidi overrides, digits...) are kept, so the check can name them.
    """
    text = _SPACES.sub(" ", normalise_text(name)).translate(_LOOKALIKES)
    if has_han(text):
        text = text.replace(".", MIDDLE_DOT)
    return text


def prepare(text: object, *, limit: int, digits_allowed: bool = False,
            normalise: Callable[[str], str] = normalise_text) -> str:
    """Normalise (NFKC and strip unless told otherwise), and refuse control, invisible
    and private-use characters (and digits)."""
    if not isinstance(text, str):
        raise InvalidFormat("name must be a string")
    if len(text) > 4 * limit:
        raise InvalidLength(f"name is longer than {limit} characters")
    text = normalise(text)
    for char in text:
        if is_han(char):
            continue
        category = unicodedata.category(char)
        if category[0] == "C":
            raise InvalidFormat("name contains a control, invisible or private-use character")
        if category[0] == "N" and not digits_allowed:
            raise InvalidFormat("name contains a digit")
    return text


def check_length(text: str, bounds: tuple[int, int]) -> str:
    low, high = bounds
    if not low <= len(text) <= high:
        raise InvalidLength(f"name has {len(text)} characters, expected {low} to {high}")
    return text


def is_chinese_name(name: str) -> bool:
    """Whether ``name`` would be checked by the Chinese-name rules."""
    return has_han(unicodedata.normalize("NFKC", name))


def _chinese(text: str) -> str:
    if any(is_latin_letter(char) for char in text):
        raise InvalidFormat("name mixes Chinese characters with Latin letters")
    if any(char.isspace() for char in text):
        raise InvalidFormat("Chinese name contains a space")
    if not all(is_han(char) or char == MIDDLE_DOT for char in text):
        raise InvalidFormat("Chinese name contains a character other than Chinese characters and the middle dot ·")
    if text.startswith(MIDDLE_DOT) or text.endswith(MIDDLE_DOT) or MIDDLE_DOT * 2 in text:
        raise InvalidFormat("middle dot · at the start or end of the name, or doubled")
    return check_length(text, CHINESE_LENGTH)


def _latin(text: str) -> str:
    shape = []
    for index, char in enumerate(text):
        if is_latin_letter(char) or (unicodedata.category(char) == "Mn" and index and shape[-1] == "a"):
            shape.append("a")
        elif char in " -'.":
            shape.append(char)
        else:
            raise InvalidFormat(
                "name contains a character other than Chinese characters or Latin letters, "
                "spaces, hyphens, apostrophes and dots"
            )
    if not _LATIN_SHAPE.fullmatch("".join(shape)):
        raise InvalidFormat(
            "each word of a Latin name must start with a letter, "
            "with single hyphens, apostrophes or dots between letters"
        )
    return check_length(text, LATIN_LENGTH)


def validate_person_name(name: str) -> str:
    """Return the normalised name or raise a ``stdnum`` ValidationError."""
    if not isinstance(name, str) or len(name) > 4 * LATIN_LENGTH[1]:
        prepare(name, limit=LATIN_LENGTH[1])  # raises the error for these
    text = normalise_name(name)
    if _PLAIN_CHINESE.fullmatch(text):  # what prepare and _chinese would pass, but the length
        return check_length(text, CHINESE_LENGTH)
    if _PLAIN_LATIN.fullmatch(text):  # what prepare and _latin would pass, but the length
        return check_length(text, LATIN_LENGTH)
    text = prepare(text, limit=LATIN_LENGTH[1], normalise=normalise_name)
    if not text:
        raise InvalidLength("name is empty")
    return _chinese(text) if has_han(text) else _latin(text)


def is_valid_person_name(name: str) -> bool:
    """Whether :func:`validate_person_name` accepts ``name``."""
    try:
        return bool(validate_person_name(name))
    except ValueError:
        return False

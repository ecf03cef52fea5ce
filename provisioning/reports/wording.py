"""The language the report's HTML page speaks. The page is written in English; a caller
whose message catalogue holds these messages (the console's, carrier_gateway/console/locale,
which also holds the page's) passes a :class:`Language`: that catalogue's gettext for the
reader's language and the page's ``<html lang>`` tag.

Messages are marked for extraction as gettext marks them: ``_("...")`` where they are said
(the page's functions take the language as ``_``), ``N_("...")`` where they are defined
apart from where they are said. JSON and CSV are for programs and stay as they are.

>>> AS_WRITTEN("%(n)s card(s)", n=3), AS_WRITTEN.tag
('3 card(s)', 'en')
>>> Language(lambda m: {"Cards": "卡"}.get(m, m), "zh-Hans")("Cards")
'卡'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable


def N_(message: str) -> str:
    """``message`` unchanged, marked for the catalogue: it is translated where it is said."""
    return message


@dataclasses.dataclass(frozen=True)
class Language:
    #: a message as written -> the message in this language
    gettext: Callable[[str], str] = N_
    #: the page's ``<html lang>``
    tag: str = "en"

    def __call__(self, message: str, /, **params: object) -> str:
        """``message`` in this language, ``%(name)s`` filled from ``params``."""
        text = self.gettext(message)
        return text % params if params else text


AS_WRITTEN = Language()

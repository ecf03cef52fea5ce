"""The console's one message catalogue (gettext, read with Babel).

Messages are written in English in the code and templates (the console's, and the
inspection report page's in provisioning/reports); ``locale/zh_CN/LC_MESSAGES/console.po``
translates them to Simplified Chinese, the default language. The .po file is
read at start-up and compiled in memory, so an install from a clean clone translates
without a build step. A person's choice is remembered in a cookie.
"""

from __future__ import annotations

import contextvars
import functools
import gettext
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from provisioning.reports.wording import Language

LOCALES = Path(__file__).resolve().parent / "locale"
DOMAIN = "console"
#: language code -> the catalogue's locale (None: the messages as written)
LANGUAGES: dict[str, str | None] = {"zh": "zh_CN", "en": None}
DEFAULT = "zh"
LANG_COOKIE = "console_lang"
HTML_LANG = {"zh": "zh-Hans", "en": "en"}

#: the language of the request being handled (a task)
_current: contextvars.ContextVar[str] = contextvars.ContextVar("console_lang")


def po_path(locale: str) -> Path:
    return LOCALES / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    locale = LANGUAGES.get(lang)
    if locale is None:
        return gettext.NullTranslations()
    with po_path(locale).open("rb") as fh:
        catalog = read_po(fh, locale=locale, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def report_language(lang: str) -> Language:
    """The inspection report's HTML page in ``lang``: its messages are in this catalogue too."""
    return Language(translations(lang).gettext, HTML_LANG[lang])


def choose(cookie_value: str | None) -> str:
    return cookie_value if cookie_value in LANGUAGES else DEFAULT


def activate(lang: str) -> None:
    """Messages of this request (a task) in ``lang``."""
    _current.set(lang)


def as_written() -> bool:
    """Whether the current request reads messages as the code writes them (English), so
    English text from elsewhere (a domain error's detail) is in its language too."""
    return LANGUAGES[_current.get(DEFAULT)] is None


def _(message: str, **params: object) -> str:
    """``message`` in the language of the current request, ``%(name)s`` filled from params."""
    text = translations(_current.get(DEFAULT)).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(_current.get(DEFAULT)).ngettext(singular, plural, n)
    return text % {"num": n, **params}

"""Names of the codes a person reads (states, statuses, services) in their language; the
code itself stays visible beside it, as the API and CLI spell it."""

from __future__ import annotations

from collections.abc import Callable

from carrier_gateway.console.i18n import _

_LABELS: dict[str, Callable[[], str]] = {
    "INVENTORY": lambda: _("in stock"),
    "TEST": lambda: _("factory test"),
    "PENDING": lambda: _("pending"),
    "ACTIVE": lambda: _("active"),
    "SUSPENDED": lambda: _("suspended"),
    "TERMINATED": lambda: _("terminated"),
    "NONE": lambda: _("none"),
    "VERIFIED": lambda: _("verified"),
    "REJECTED": lambda: _("rejected"),
    "SUPERSEDED": lambda: _("superseded"),
    "OPEN": lambda: _("in progress"),
    "COMPLETE": lambda: _("complete"),
    "STOPPED": lambda: _("stopped"),
    "data": lambda: _("data"),
    "sms": lambda: _("SMS"),
    "voice": lambda: _("voice"),
}


def label(code: object) -> str:
    """``code`` followed by its name, e.g. ``ACTIVE (在用)``; an unknown code as it is."""
    text = str(code)
    name = _LABELS.get(text)
    return f"{text} ({name()})" if name else text

"""Subjects this process sealed a moment ago, handed to its own verifier.

Acceptance encrypts each record's subject; the verifier, usually in the same process
and within a second, would decrypt and parse it again. The accepted subject is kept
here under its sealed value (unique: every seal draws a fresh nonce), and the verifier
takes it out instead. Nothing changes in what is stored or decided: a subject not found
(sealed by another process, pushed out of the bounded list, or after a restart) is
decrypted as before.

Personal data: plaintext, in this process's memory only (as it was while the request
was handled), at most ``LIMIT`` subjects, each dropped as soon as it is verified; it is
never written anywhere.
"""

from __future__ import annotations

from collections import OrderedDict

from provisioning.registrations.records import Subject

#: subjects kept at most; the oldest go first (their verifier then decrypts them)
LIMIT = 10_000

_kept: OrderedDict[str, Subject] = OrderedDict()


def keep(sealed: str, subject: Subject) -> None:
    _kept[sealed] = subject
    if len(_kept) > LIMIT:
        _kept.popitem(last=False)


def take(sealed: str) -> Subject | None:
    """The subject sealed as ``sealed`` by this process, if still kept (then forgotten)."""
    return _kept.pop(sealed, None)


def forget_all() -> None:
    """Drop every kept subject."""
    _kept.clear()

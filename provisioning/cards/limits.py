"""Sizes the card use cases accept (pure constants: the CLI shows them in `--help`
without loading the database stack; issuance.py and store.py enforce them)."""

from __future__ import annotations

#: cards per page of a listing
MAX_PAGE = 500
#: cards per issuance chunk (one transaction each; see issuance.py for the minimum)
DEFAULT_CHUNK = 10_000
MIN_CHUNK = 100
MAX_CHUNK = 50_000
#: cards in one purchase order
MAX_ORDER = 5_000_000

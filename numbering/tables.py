"""Tables owned by the numbering package."""

from __future__ import annotations

from numbering.dbtypes import new_metadata

metadata = new_metadata()

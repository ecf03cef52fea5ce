"""The provisioning package's one MetaData (tables live in each area's tables.py)."""

from __future__ import annotations

from numbering.dbtypes import new_metadata

metadata = new_metadata()

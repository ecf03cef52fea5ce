"""Tables owned by the provisioning package."""

from __future__ import annotations

from numbering.dbtypes import new_metadata

metadata = new_metadata()

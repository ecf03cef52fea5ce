"""Every package's MetaData, in dependency order: what migrations are checked against."""

from __future__ import annotations

from sqlalchemy import MetaData

import numbering.tables
import provisioning.tables
from carrier_gateway import tables as gateway_tables


def all_metadata() -> list[MetaData]:
    return [numbering.tables.metadata, provisioning.tables.metadata, gateway_tables.metadata]

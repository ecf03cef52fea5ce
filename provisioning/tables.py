"""All provisioning tables, registered on one MetaData (import this to get them all)."""

from __future__ import annotations

from provisioning.audit import tables as audit_tables  # noqa: F401
from provisioning.backfill import tables as backfill_tables  # noqa: F401
from provisioning.cards import tables as card_tables  # noqa: F401
from provisioning.enterprises import tables as enterprise_tables  # noqa: F401
from provisioning.jobs import tables as job_tables  # noqa: F401
from provisioning.meta import metadata
from provisioning.network import tables as network_tables  # noqa: F401
from provisioning.outbox import tables as outbox_tables  # noqa: F401
from provisioning.registrations import tables as registration_tables  # noqa: F401

__all__ = ["metadata"]

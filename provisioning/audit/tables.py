"""Tables of provisioning.audit (migration branch `audit`)."""

from __future__ import annotations

from provisioning.meta import metadata  # noqa: F401  (tables below register on it)

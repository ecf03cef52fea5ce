"""Tables of provisioning.registrations (migration branch `registrations`)."""

from __future__ import annotations

from provisioning.meta import metadata  # noqa: F401  (tables below register on it)

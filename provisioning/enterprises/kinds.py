"""The kinds of enterprise and of registered destination (pure constants: the CLI
lists them in `--help` without loading the database stack)."""

from __future__ import annotations

#: OEM: a car maker; AGENT: buys cards on an OEM's authorisation
ENTERPRISE_KINDS = ("OEM", "AGENT")
#: what an enterprise's cards may reach (destinations.py)
DESTINATION_KINDS = ("PLATFORM_PREFIX", "SHORT_CODE", "CALL_CENTRE")

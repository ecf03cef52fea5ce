"""The roles an ops API token may have (a pure constant: the CLI lists them in `--help`
without loading the web and database stack; ops_auth.py checks them)."""

from __future__ import annotations

ROLES = ("ops", "auditor", "regulator")

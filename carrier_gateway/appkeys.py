"""Typed application state keys."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from carrier_gateway.db import Database
from carrier_gateway.settings import Settings
from provisioning.privacy.keyring import Keyring
from provisioning.registrations.handoff import Handoff

DB = web.AppKey("db", Database)
SETTINGS = web.AppKey("settings", Settings)
KEYRING = web.AppKey("keyring", Keyring)
OPENAPI = web.AppKey("openapi", dict[str, Any])
#: what this process accepts is handed to its verifier (handoff.py; none held without one)
HANDOFF = web.AppKey("handoff", Handoff)

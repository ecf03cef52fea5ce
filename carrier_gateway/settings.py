"""Service settings: environment first, then explicit overrides. Nothing is read at import."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Mapping
from typing import Any, ClassVar

from provisioning.registrations.policy import Policy

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///carrier.db"
#: the event loops `carrier serve` can run on (CARRIER_EVENT_LOOP)
EVENT_LOOPS = ("uvloop", "asyncio")


class SettingsError(ValueError):
    """A setting has a value the service cannot use."""


@dataclasses.dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8080
    sandbox: bool = False
    #: file holding the master key(s) for personal-data encryption
    master_key_path: str = "carrier.key"
    #: largest JSON request body accepted, bytes (JSON Lines jobs stream past this)
    max_body_bytes: int = 4 * 1024 * 1024
    #: largest JSON Lines back-registration upload (one job), bytes
    max_job_bytes: int = 512 * 1024 * 1024
    #: most lines (physical, blank ones included) in one job
    max_job_lines: int = 1_000_000
    #: most jobs of one enterprise not yet fully ingested (RECEIVING, RECEIVED, INGESTING)
    max_open_jobs: int = 10
    #: most error lines whose details a job keeps in its results; past it the job counts
    #: them (errors_dropped) instead of storing each
    max_error_lines_per_job: int = 10_000
    #: most uploads one API key may be sending at once, per process
    max_uploads_per_key: int = 2
    #: seconds to let in-flight requests finish on SIGINT/SIGTERM
    shutdown_timeout: float = 30.0
    #: the event loop `carrier serve` runs on: "uvloop" (libuv; less CPU per request) or
    #: "asyncio" (the standard library's)
    event_loop: str = "uvloop"
    #: background verification workers per process (0 disables them)
    workers: int = 2
    #: OEM requests per second per enterprise (token bucket); 0 disables the limit
    rate_limit_per_second: float = 1000.0
    rate_limit_burst: int = 2000
    #: seconds between a serve process's heartbeats (its share of the rate limit follows them)
    heartbeat_seconds: float = 2.0
    #: verification policy (see provisioning.registrations.policy)
    min_holder_age: int = 16
    max_cards_per_document: int = 5
    backfill_deadline: str = "2022-09-30"
    #: seconds a claimed registration stays with its verifier before another may take it
    verify_lease_seconds: int = 60
    #: registrations one verification step decides (one transaction); None: the backend's
    #: own (``verify_batch``)
    verify_batch_size: int | None = None
    #: seconds a claimed job chunk stays with its ingesting worker before another may take it
    job_lease_seconds: int = 60
    #: sandbox identity authority fault injection: added latency (s) and failure rate (0-1)
    authority_latency: float = 0.0
    authority_failure_rate: float = 0.0
    #: SQLite durability: NORMAL survives a process crash; FULL also a power cut
    sqlite_synchronous: str = "NORMAL"
    log_level: str = "INFO"
    #: UDP ports of the RADIUS server for the packet gateways (None: off; 0: any free port);
    #: it listens on ``host``
    radius_auth_port: int | None = None
    radius_acct_port: int | None = None
    #: every request comes through a reverse proxy that terminates TLS and sets
    #: X-Forwarded-Proto itself: believe that header for the request's scheme (off: anyone
    #: reaching the service directly could claim TLS)
    trust_forwarded_proto: bool = False

    _ENV: ClassVar[dict[str, str]] = {
        "database_url": "CARRIER_DATABASE_URL",
        "host": "CARRIER_HOST",
        "port": "CARRIER_PORT",
        "sandbox": "CARRIER_SANDBOX",
        "master_key_path": "CARRIER_MASTER_KEY_FILE",
        "max_body_bytes": "CARRIER_MAX_BODY_BYTES",
        "max_job_bytes": "CARRIER_MAX_JOB_BYTES",
        "max_job_lines": "CARRIER_MAX_JOB_LINES",
        "max_open_jobs": "CARRIER_MAX_OPEN_JOBS",
        "max_error_lines_per_job": "CARRIER_MAX_ERROR_LINES_PER_JOB",
        "max_uploads_per_key": "CARRIER_MAX_UPLOADS_PER_KEY",
        "shutdown_timeout": "CARRIER_SHUTDOWN_TIMEOUT",
        "event_loop": "CARRIER_EVENT_LOOP",
        "workers": "CARRIER_WORKERS",
        "rate_limit_per_second": "CARRIER_RATE_LIMIT",
        "rate_limit_burst": "CARRIER_RATE_BURST",
        "heartbeat_seconds": "CARRIER_HEARTBEAT_SECONDS",
        "sqlite_synchronous": "CARRIER_SQLITE_SYNCHRONOUS",
        "min_holder_age": "CARRIER_MIN_HOLDER_AGE",
        "max_cards_per_document": "CARRIER_MAX_CARDS_PER_DOCUMENT",
        "backfill_deadline": "CARRIER_BACKFILL_DEADLINE",
        "verify_lease_seconds": "CARRIER_VERIFY_LEASE_SECONDS",
        "verify_batch_size": "CARRIER_VERIFY_BATCH_SIZE",
        "job_lease_seconds": "CARRIER_JOB_LEASE_SECONDS",
        "authority_latency": "CARRIER_AUTHORITY_LATENCY",
        "authority_failure_rate": "CARRIER_AUTHORITY_FAILURE_RATE",
        "log_level": "CARRIER_LOG_LEVEL",
        "radius_auth_port": "CARRIER_RADIUS_AUTH_PORT",
        "radius_acct_port": "CARRIER_RADIUS_ACCT_PORT",
        "trust_forwarded_proto": "CARRIER_TRUST_FORWARDED_PROTO",
    }

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``environ`` (default ``os.environ``), then non-None ``overrides``."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for name, var in cls._ENV.items():
            if var in env and env[var] != "":
                values[name] = _coerce(name, var, env[var], fields[name].type)
        for name, value in overrides.items():
            if name not in fields:
                raise SettingsError(f"unknown setting {name!r}")
            if value is not None:
                values[name] = value
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        if not 0 < self.port < 65536:
            raise SettingsError(f"port {self.port} is not between 1 and 65535")
        for name in ("radius_auth_port", "radius_acct_port"):
            if getattr(self, name) is not None and not 0 <= getattr(self, name) < 65536:
                raise SettingsError(f"{self._ENV[name]} must be a port, 0 to 65535 (0: any free port)")
        if self.sqlite_synchronous.upper() not in {"OFF", "NORMAL", "FULL", "EXTRA"}:
            raise SettingsError("CARRIER_SQLITE_SYNCHRONOUS must be OFF, NORMAL, FULL or EXTRA")
        if self.event_loop not in EVENT_LOOPS:
            raise SettingsError(f"CARRIER_EVENT_LOOP must be {' or '.join(EVENT_LOOPS)}")
        if self.workers < 0:
            raise SettingsError("workers must be 0 or more")
        for name in ("max_job_bytes", "max_job_lines", "max_open_jobs", "max_error_lines_per_job",
                     "max_uploads_per_key"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{self._ENV[name]} must be 1 or more")
        if not self.heartbeat_seconds > 0:
            raise SettingsError("CARRIER_HEARTBEAT_SECONDS must be more than 0")
        if self.verify_batch_size is not None and self.verify_batch_size < 1:
            raise SettingsError("CARRIER_VERIFY_BATCH_SIZE must be 1 or more")
        if self.job_lease_seconds < 1:
            raise SettingsError("CARRIER_JOB_LEASE_SECONDS must be 1 or more")
        if not 0.0 <= self.authority_failure_rate <= 1.0:
            raise SettingsError("CARRIER_AUTHORITY_FAILURE_RATE must be between 0 and 1")
        try:
            dt.date.fromisoformat(self.backfill_deadline)
        except ValueError:
            raise SettingsError("CARRIER_BACKFILL_DEADLINE must be a date, YYYY-MM-DD") from None

    def verify_batch(self, dialect: str) -> int:
        """Registrations a verification step decides: the setting, else 1000 on SQLite (as
        many as a batch request holds: the step's commit writes each changed page once for
        all of them) and 500 on PostgreSQL (a step holds an advisory lock on each VIN,
        document and card it decides until it commits, and the server's lock table,
        shared by every session, holds ~6,400 with its defaults)."""
        if self.verify_batch_size is not None:
            return self.verify_batch_size
        return 1000 if dialect == "sqlite" else 500

    def policy(self) -> Policy:
        return Policy(min_age=self.min_holder_age, max_cards_per_document=self.max_cards_per_document,
                      backfill_deadline=dt.date.fromisoformat(self.backfill_deadline),
                      lease_seconds=self.verify_lease_seconds)


def _coerce(name: str, var: str, raw: str, type_name: object) -> Any:
    kind = str(type_name)
    try:
        if kind == "bool":
            low = raw.strip().lower()
            if low in {"1", "true", "yes", "on"}:
                return True
            if low in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if kind in ("int", "int | None"):
            return int(raw)
        if kind == "float":
            return float(raw)
    except ValueError:
        raise SettingsError(f"{var}={raw!r} is not a valid {kind}") from None
    return raw

"""Structured (JSON Lines) logs on stderr. Request bodies are never logged."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.http_exceptions import HttpProcessingError

from carrier_gateway.jsonio import dumps
from carrier_gateway.principal import PRINCIPAL, REQUEST_ID
from provisioning.privacy.redact import redact

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    _second: tuple[int, str] = (-1, "")  # the last second formatted, and its text

    def _timestamp(self, record: logging.LogRecord) -> str:
        second = int(record.created)
        if second != self._second[0]:  # once a second, not once a line
            self._second = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
        return f"{self._second[1]}.{int(record.msecs):03d}Z"

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": self._timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                out[key] = redact(value) if isinstance(value, str) else value
        out["msg"] = redact(out["msg"])
        if record.exc_info:
            out["exc"] = redact(self.formatException(record.exc_info))
        return dumps(out, indent=False).decode()


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time of the record."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


class ClientFaults(logging.Filter):
    """aiohttp's server logs a malformed request (BadHttpMessage, LineTooLong, a body that
    is not the encoding it claims...) and a client gone mid-request at ERROR with a
    traceback, though neither is a fault of the service: one line instead, a malformed
    request at WARNING, a disconnect at INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, (HttpProcessingError, web.RequestPayloadError)):
            level, what = logging.WARNING, "malformed request"
        elif isinstance(exc, ConnectionError):
            level, what = logging.INFO, "client went away"
        else:
            return True
        reason = (str(getattr(exc, "message", "") or exc).strip().splitlines() or [""])[0][:120]
        record.msg, record.args = f"{what}: {type(exc).__name__} {reason} ({record.getMessage()})", ()
        record.levelno, record.levelname = level, logging.getLevelName(level)
        record.exc_info, record.exc_text = None, None
        return logging.getLogger(record.name).isEnabledFor(level)


def configure_logging(level: str = "INFO") -> None:
    # The lines carry none of the record's source file, thread or process fields, so
    # logging need not look them up for every record (the logging HOWTO's "Optimization").
    logging._srcfile = None  # type: ignore[attr-defined]  # no caller frame walk per record
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("alembic").setLevel(logging.WARNING)
    server = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, ClientFaults) for f in server.filters):
        server.addFilter(ClientFaults())


class AccessLogger(AbstractAccessLogger):
    """One JSON line per request: method, route, status, time, request id, caller. No body."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        principal = request.get(PRINCIPAL)
        self.logger.info(
            "request",
            extra={
                "request_id": request.get(REQUEST_ID),
                "method": request.method,
                "path": request.path,
                "status": response.status,
                "ms": round(time * 1000, 2),
                "bytes": response.body_length,
                "remote": request.remote,
                "caller": f"{principal.kind}:{principal.key_id}" if principal else None,
            },
        )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)

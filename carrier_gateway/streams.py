"""Streamed answers (JSON Lines, CSV), and what a failure half-way through does.

Everything that can be refused is refused before the stream opens: parameters are
validated and the object looked up first. Once the status line and the first bytes are
out, a failure can no longer become a problem+json answer; writing one anyway puts an
HTTP error inside the 200's body, which a client reads as data. Instead the connection
is closed without the chunked encoding's last chunk, so every HTTP client reports a
broken transfer. Each stream also ends with a trailer line (provisioning.trailers), so a
file saved from a broken transfer shows it too.
"""

from __future__ import annotations

import logging

from aiohttp import web

from carrier_gateway.principal import REQUEST_ID

log = logging.getLogger("carrier.http")
#: the response of a request whose streamed answer has started
STREAM = web.RequestKey("stream", web.StreamResponse)


async def open_stream(request: web.Request, content_type: str,
                      headers: dict[str, str] | None = None) -> web.StreamResponse:
    """Send the 200 and its headers; from here on a failure aborts the connection."""
    resp = web.StreamResponse(headers={"Content-Type": content_type, "X-Request-Id": request[REQUEST_ID],
                                       **(headers or {})})
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    request[STREAM] = resp
    return resp


def abort_stream(request: web.Request, exc: Exception) -> web.StreamResponse:
    """Close the connection of a started stream that failed (see the module docstring);
    one log line: a client that went away is routine, anything else is a fault."""
    where = {"request_id": request.get(REQUEST_ID), "path": request.path}
    if isinstance(exc, ConnectionError):
        log.info("client went away during a streamed response", extra={**where, "error": type(exc).__name__})
    else:
        log.error("streamed response failed after it started; connection closed", exc_info=exc, extra=where)
    if request.transport is not None:
        request.transport.close()  # what was sent is flushed; the last chunk never is
    return request[STREAM]

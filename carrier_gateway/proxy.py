"""Behind a reverse proxy that terminates TLS: the scheme the client used.

`carrier serve` speaks plain HTTP. Where TLS ends at a proxy, the proxy says which scheme
the client used in ``X-Forwarded-Proto``; but anyone who reaches the service directly can
send that header too, so it is believed only when ``CARRIER_TRUST_FORWARDED_PROTO`` says
every request comes through such a proxy. The request's scheme then follows the header
(``request.secure``: the console's cookies are Secure when the browser used TLS), and
without the setting the header is ignored and the scheme is that of the connection.

A proxy sets the header itself, replacing what the client sent; one that appends to it
puts its own value last, which is the one read here.

>>> forwarded_scheme("https"), forwarded_scheme("http, HTTPS"), forwarded_scheme("ftp"), forwarded_scheme("")
('https', 'https', None, None)
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

HEADER = "X-Forwarded-Proto"


def forwarded_scheme(value: str) -> str | None:
    """The scheme the nearest proxy names (its value is the last), or None if it names none."""
    scheme = value.rsplit(",", 1)[-1].strip().lower()
    return scheme if scheme in ("http", "https") else None


@web.middleware
async def trusted_forwarded_proto(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Installed (outermost) only when the setting trusts the proxy: the request as the client made it."""
    scheme = forwarded_scheme(request.headers.get(HEADER, ""))
    if scheme is not None and scheme != request.scheme:
        request = request.clone(scheme=scheme)
    return await handler(request)

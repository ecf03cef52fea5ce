"""RADIUS clients: the packet gateways (GGSN/PGW) allowed to ask for attach decisions
and to report accounting. Each is known by a name and an address or prefix, and
shares a secret with the carrier; the secret is shown once, at creation, and stored
sealed with the master keyring (bound to the client's name)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import secrets
from typing import Any

import netaddr
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from provisioning.audit.trail import Event, record
from provisioning.inputs import unstorable
from provisioning.network.errors import NasExists, NasInvalid, NasNotFound
from provisioning.network.tables import nas_clients
from provisioning.privacy.keyring import Keyring

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
#: RFC 2865 asks for at least 16 octets of secret; radclient and gateways take printable text
MIN_SECRET, MAX_SECRET = 16, 128


def context(name: str) -> str:
    """The AES-GCM context of a client's secret: a sealed secret copied to another row does not open."""
    return f"network.nas:{name}"


@dataclasses.dataclass(frozen=True)
class Nas:
    id: int
    name: str
    address: str
    created_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class IssuedNas:
    id: int
    name: str
    address: str
    secret: str

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Client:
    """A client as the RADIUS server needs it: its network and its secret (bytes)."""

    id: int
    name: str
    network: netaddr.IPNetwork
    secret: bytes


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise NasInvalid("name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
                         field="name")
    return name


def check_address(address: str) -> str:
    """The canonical CIDR of an address or prefix.

    >>> check_address("192.0.2.7"), check_address("2001:db8::/48")
    ('192.0.2.7/32', '2001:db8::/48')
    """
    try:
        net = netaddr.IPNetwork(address.strip())
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise NasInvalid(f"{address!r} is not an IPv4 or IPv6 address or prefix", field="address") from None
    if net.prefixlen == 0:
        raise NasInvalid("a /0 prefix would let any host in", field="address")
    return str(net.cidr)


def check_secret(secret: str) -> str:
    if unstorable(secret) or not secret.isprintable() or not secret.isascii():
        raise NasInvalid("the secret must be printable ASCII", field="secret")
    if not MIN_SECRET <= len(secret) <= MAX_SECRET:
        raise NasInvalid(f"the secret must be {MIN_SECRET} to {MAX_SECRET} characters", field="secret")
    return secret


def new_secret() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 bits


async def add_nas(conn: AsyncConnection, keyring: Keyring, *, name: str, address: str, actor: str,
                  secret: str | None = None) -> IssuedNas:
    """A new client; the secret (given, or generated) is returned here and never again."""
    name, cidr = check_name(name), check_address(address)
    secret = check_secret(secret) if secret is not None else new_secret()
    taken = (await conn.execute(select(nas_clients.c.name, nas_clients.c.address).where(
        (nas_clients.c.name == name) | (nas_clients.c.address == cidr)))).first()
    if taken is not None:
        what = f"name {name}" if taken.name == name else f"address {cidr} (client {taken.name})"
        raise NasExists(f"a RADIUS client already has the {what}", field="name" if taken.name == name else "address")
    try:
        new_id = (await conn.execute(insert(nas_clients).values(
            name=name, address=cidr, secret_enc=keyring.encrypt(secret, context(name)), created_by=actor[:120])
            .returning(nas_clients.c.id))).scalar_one()
    except IntegrityError:  # a concurrent add of the same name or address
        raise NasExists(f"a RADIUS client named {name} or at {cidr} was just added", field="name") from None
    await record(conn, Event(actor, "nas.added", "nas", name, None, {"address": cidr}))
    return IssuedNas(new_id, name, cidr, secret)


async def list_nas(conn: AsyncConnection) -> list[Nas]:
    rows = await conn.execute(select(nas_clients.c.id, nas_clients.c.name, nas_clients.c.address,
                                     nas_clients.c.created_at).order_by(nas_clients.c.name))
    return [Nas(r.id, r.name, r.address, r.created_at) for r in rows]


async def remove_nas(conn: AsyncConnection, name: str, *, actor: str) -> Nas:
    row = (await conn.execute(select(nas_clients).where(nas_clients.c.name == name))).first()
    if row is None:
        raise NasNotFound(f"no RADIUS client named {name!r}", field="name")
    await conn.execute(delete(nas_clients).where(nas_clients.c.id == row.id))
    await record(conn, Event(actor, "nas.removed", "nas", name, None, {"address": row.address}))
    return Nas(row.id, row.name, row.address, row.created_at)


async def load_clients(conn: AsyncConnection, keyring: Keyring) -> list[Client]:
    """Every client with its secret opened, most specific prefix first (the first match wins)."""
    rows = (await conn.execute(select(nas_clients))).all()
    out = [Client(r.id, r.name, netaddr.IPNetwork(r.address), keyring.decrypt(r.secret_enc, context(r.name)).encode())
           for r in rows]
    return sorted(out, key=lambda c: (-c.network.prefixlen, c.network.version))


def match(clients: list[Client], address: str) -> Client | None:
    """The client a packet from ``address`` belongs to (IPv4-mapped IPv6 read as IPv4), or None."""
    try:
        ip = netaddr.IPAddress(address)
    except (netaddr.AddrFormatError, ValueError):
        return None
    if ip.version == 6 and ip.is_ipv4_mapped():
        ip = ip.ipv4()
    for client in clients:
        if client.network.version == ip.version and ip in client.network:
            return client
    return None

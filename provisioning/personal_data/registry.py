"""Every column that holds sealed personal data or secrets, declared in one place.

Key rotation re-encrypts exactly these columns, ``carrier keys status`` counts them, and
retention purges through them. A test scans every table of every package for values
that look sealed and fails if their column is missing here, so a new encrypted column
cannot be forgotten: declare it below (table, column, and how its AES-GCM context,
the associated data it was sealed with, follows from the row).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Column, Table

from provisioning.enterprises import credentials, persons
from provisioning.enterprises.tables import api_keys, responsible_persons
from provisioning.jobs.receive import chunk_context
from provisioning.jobs.tables import job_chunks
from provisioning.network import nas
from provisioning.network.tables import nas_clients
from provisioning.registrations.accept import SUBJECT_CONTEXT
from provisioning.registrations.tables import registrations

#: ``<key id>$<base64 nonce+ciphertext>`` as Keyring.encrypt writes it
SEALED = re.compile(r"^[A-Za-z0-9_.-]{1,64}\$[A-Za-z0-9+/]{20,}={0,2}$")


@dataclasses.dataclass(frozen=True)
class SealedColumn:
    table: Table
    column: str
    #: the AES-GCM context of a row's value, from the row's columns named in ``needs``
    context: Callable[[Mapping[str, Any]], str]
    needs: tuple[str, ...] = ()
    #: what the column holds (shown by ``carrier keys status``)
    holds: str = ""
    #: True when the value is personal data (masked on output, purged by retention)
    personal: bool = True

    @property
    def name(self) -> str:
        return f"{self.table.name}.{self.column}"

    @property
    def sealed(self) -> Column[Any]:
        return self.table.c[self.column]

    @property
    def primary_key(self) -> tuple[Column[Any], ...]:
        return tuple(self.table.primary_key.columns)

    def context_of(self, row: Mapping[str, Any]) -> str:
        return self.context(row)


def _constant(context: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda _row: context


COLUMNS: tuple[SealedColumn, ...] = (
    SealedColumn(registrations, "subject_enc", _constant(SUBJECT_CONTEXT),
                 holds="a registration's subject with its agent and responsible person (JSON)"),
    SealedColumn(responsible_persons, "person_enc", _constant(persons.CONTEXT),
                 holds="an enterprise's responsible person: name, ID number, phone, email (JSON)"),
    # the context names the key id, so a secret copied to another key's row does not open
    SealedColumn(api_keys, "secret_enc", lambda row: credentials._context(row["key_id"]), needs=("key_id",),
                 holds="an enterprise API secret", personal=False),
    # lines of an uploaded back-registration file waiting to be ingested (deleted once done)
    SealedColumn(job_chunks, "lines_enc", lambda row: chunk_context(row["job_id"], row["seq"]),
                 needs=("job_id", "seq"), holds="a chunk of an uploaded registration file (JSON lines)"),
    SealedColumn(nas_clients, "secret_enc", lambda row: nas.context(row["name"]), needs=("name",),
                 holds="a RADIUS client's shared secret", personal=False),
)


def by_name(name: str) -> SealedColumn:
    for col in COLUMNS:
        if col.name == name:
            return col
    raise KeyError(name)


def declared() -> set[tuple[str, str]]:
    """``(table, column)`` of every declared sealed column."""
    return {(c.table.name, c.column) for c in COLUMNS}


def looks_sealed(value: object) -> bool:
    """
    >>> looks_sealed("k20261128080000ab12$" + "A" * 40), looks_sealed("张三"), looks_sealed("a$b")
    (True, False, False)
    """
    return isinstance(value, str) and SEALED.match(value) is not None

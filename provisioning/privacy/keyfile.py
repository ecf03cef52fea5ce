"""Changing the key file: add a key (rotation) and drop retired ones.

Every change is read-modify-write under an exclusive lock on ``<key file>.lock`` (two
operators rotating at once must not lose a key), written atomically with mode 0600.
Running services notice the new file on their next ``Keyring.refresh`` (at most
``Keyring._RECHECK_SECONDS`` later) and, when they meet a value under a key they do not
hold yet, at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from provisioning.privacy.keyring import Keyring, KeyringError, load_keyring, write_keyring


@contextlib.contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[None]:
    lock = Path(path).with_name(Path(path).name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def read(path: str | os.PathLike[str]) -> Keyring:
    """The key file's ring (never the environment variable: rotation changes the file)."""
    return load_keyring(path, environ={})


def add_key(path: str | os.PathLike[str]) -> tuple[Keyring, str]:
    """Append a new key (it becomes the active one); returns the new ring and its id."""
    with locked(path):
        ring = read(path).with_new_key()
        write_keyring(ring, path, overwrite=True)
    return read(path), ring.active_id


def retire(path: str | os.PathLike[str], keep: str) -> list[str]:
    """Drop every key but ``keep`` (which must be the active key); returns the dropped ids."""
    with locked(path):
        ring = read(path)
        if ring.active_id != keep:
            raise KeyringError(f"key {keep} is no longer the newest key in {path}; run the rotation again")
        dropped = [k for k in ring.keys if k != keep]
        if dropped:
            write_keyring(ring.without_keys_except({keep}), path, overwrite=True)
    return dropped


def created_at(key_id: str) -> dt.datetime | None:
    """When a key was made, from its id (``kYYYYMMDDHHMMSS...``), if the id says.

    >>> created_at("k20261128080000ab12")
    datetime.datetime(2026, 11, 28, 8, 0, tzinfo=datetime.timezone.utc)
    >>> created_at("custom") is None
    True
    """
    try:
        return dt.datetime.strptime(key_id[1:15], "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None

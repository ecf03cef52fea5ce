"""Owner-only files: the SQLite database (with its -wal and -shm) and the master key.

The database holds sealed personal data, blind indexes and the audit trail; a local
user who can read it can take it away for offline attack. SQLite creates a new
database with 0644 (less the umask) and gives its -wal and -shm the main file's mode,
so creating the main file 0600 first, empty (a valid new database), makes all three
owner-only. An existing file keeps its mode: the operator is told, not overruled.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable

#: files SQLite keeps beside a WAL-mode database
SIDECARS = ("-wal", "-shm")


def create_private(path: str) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (a concurrent creator wins)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def database_files(path: str) -> list[str]:
    """A SQLite database file and its sidecars."""
    return [path, *(path + suffix for suffix in SIDECARS)]


def exposed(paths: Iterable[str]) -> list[str]:
    """The existing files among ``paths`` (made absolute) that group or others may read
    or write."""
    out = []
    for path in map(os.path.abspath, paths):
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            continue
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            out.append(path)
    return out


def exposure_warning(paths: Iterable[str]) -> str | None:
    """One line naming the files other local users can read or write, or None."""
    found = exposed(paths)
    if not found:
        return None
    listed = " ".join(found)
    return f"readable or writable by group/others (personal data and keys): {listed}; fix: chmod 600 {listed}"

"""Master keys for personal data: AES-256-GCM field encryption and a keyed blind index.

The keys live outside the database: in a JSON key file readable by its owner only
(mode 0600), or in the environment variable ``CARRIER_MASTER_KEY`` holding the same
JSON. Every encrypted value carries the id of the key that sealed it
(``<key id>$<base64 nonce+ciphertext>``), so old keys keep decrypting while
``carrier keys rotate`` re-encrypts under the newest one.

The blind index is HMAC-SHA256 under a separate index key: equal document numbers give
equal index values, so duplicates and per-document caps are checked without decrypting.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENV_VAR = "CARRIER_MASTER_KEY"
_SEP = "$"


class KeyringError(RuntimeError):
    """The master key is missing, unreadable, too open, or cannot open a value."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


@dataclasses.dataclass
class Keyring:
    #: key id -> 32-byte AES key, in creation order (the last is the active one)
    keys: dict[str, bytes]
    index_key: bytes
    source: str = "memory"
    #: the key file this ring came from: re-read when it changes (another process rotated)
    path: Path | None = None
    _mtime: float = 0.0
    _checked: float = 0.0
    #: key id -> its AES-GCM cipher, made once (making one costs more than sealing a field)
    _ciphers: dict[str, AESGCM] = dataclasses.field(default_factory=dict, repr=False, compare=False)
    #: (the index key, HMAC-SHA256 keyed with it), made once and copied for each digest
    _index_hmac: Any = dataclasses.field(default=None, init=False, repr=False, compare=False)

    _RECHECK_SECONDS = 5.0

    def refresh(self, *, force: bool = False) -> None:
        """Pick up keys added to the key file since it was read (throttled unless forced)."""
        if self.path is None:
            return
        now = time.monotonic()
        if not force and now - self._checked < self._RECHECK_SECONDS:
            return
        self._checked = now
        try:
            mtime = self.path.stat().st_mtime
        except OSError:
            return
        if mtime != self._mtime:
            fresh = load_keyring(self.path, environ={})
            if fresh.index_key != self.index_key:
                raise KeyringError(f"the index key in {self.path} changed; blind indexes would no longer match")
            self.keys, self._mtime = fresh.keys, fresh._mtime
            self._ciphers = {}

    @property
    def active_id(self) -> str:
        return next(reversed(self.keys))

    # -- encryption -----------------------------------------------------------------
    def encrypt(self, plaintext: str, context: str) -> str:
        """Seal ``plaintext``; ``context`` (e.g. "registration.subject") is bound as AAD,
        so a value copied into another column does not open."""
        self.refresh()
        kid = self.active_id
        nonce = secrets.token_bytes(12)
        sealed = self._cipher(kid, self.keys[kid]).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
        return f"{kid}{_SEP}{_b64(nonce + sealed)}"

    def decrypt(self, value: str, context: str) -> str:
        kid, _, body = value.partition(_SEP)
        key = self.keys.get(kid)
        if key is None:
            self.refresh(force=True)
            key = self.keys.get(kid)
        if key is None:
            raise KeyringError(f"value sealed with key {kid!r}, which this keyring does not hold")
        raw = _unb64(body)
        try:
            return self._cipher(kid, key).decrypt(raw[:12], raw[12:], context.encode()).decode("utf-8")
        except InvalidTag:
            raise KeyringError(f"a {context} value failed authentication (tampered or wrong key)") from None

    def _cipher(self, kid: str, key: bytes) -> AESGCM:
        cipher = self._ciphers.get(kid)
        if cipher is None:
            cipher = self._ciphers[kid] = AESGCM(key)
        return cipher

    def encrypt_json(self, obj: Any, context: str) -> str:
        return self.encrypt(json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True), context)

    def decrypt_json(self, value: str, context: str) -> Any:
        return json.loads(self.decrypt(value, context))

    @staticmethod
    def key_id_of(value: str) -> str:
        return value.partition(_SEP)[0]

    # -- blind index ----------------------------------------------------------------
    def blind_index(self, kind: str, value: str) -> str:
        """A keyed, deterministic 128-bit digest of a normalised identifier."""
        return self._hmac(f"{kind}:{value.strip().upper()}")

    def keyed_digest(self, kind: str, value: str) -> str:
        """As :meth:`blind_index` but exact (no case folding): for whole records."""
        return self._hmac(f"{kind}:{value}")

    def _hmac(self, message: str) -> str:
        # HMAC-SHA256 under the index key, from a copy of the keyed state made once (the
        # key's two padded blocks are hashed once, not for every value: 30% less a digest)
        cached = self._index_hmac
        if cached is None or cached[0] is not self.index_key:  # made for this very key, or made now
            cached = self._index_hmac = (self.index_key, hmac.new(self.index_key, digestmod=hashlib.sha256))
        mac = cached[1].copy()
        mac.update(message.encode())
        return mac.hexdigest()[:32]

    # -- storage --------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps(
            {"version": 1, "index_key": _b64(self.index_key),
             "keys": [{"id": k, "key": _b64(v)} for k, v in self.keys.items()]},
            indent=2,
        )

    def with_new_key(self) -> Keyring:
        kid = "k" + dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S") + secrets.token_hex(2)
        return Keyring({**self.keys, kid: AESGCM.generate_key(bit_length=256)}, self.index_key, self.source)

    def without_keys_except(self, keep: set[str]) -> Keyring:
        return Keyring({k: v for k, v in self.keys.items() if k in keep}, self.index_key, self.source)


def new_keyring() -> Keyring:
    kid = "k" + dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S") + secrets.token_hex(2)
    return Keyring({kid: AESGCM.generate_key(bit_length=256)}, secrets.token_bytes(32))


def _parse(text: str, source: str) -> Keyring:
    try:
        data = json.loads(text)
        keys = {entry["id"]: _unb64(entry["key"]) for entry in data["keys"]}
        index_key = _unb64(data["index_key"])
    except (ValueError, KeyError, TypeError) as exc:
        raise KeyringError(f"master key in {source} is malformed: {type(exc).__name__}") from None
    if not keys or any(len(k) != 32 for k in keys.values()) or len(index_key) < 32:
        raise KeyringError(f"master key in {source} must hold 256-bit keys")
    return Keyring(keys, index_key, source)


def load_keyring(path: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> Keyring:
    """The keyring from ``CARRIER_MASTER_KEY`` if set, else from the key file at ``path``."""
    env = os.environ if environ is None else environ
    if env.get(ENV_VAR):
        return _parse(env[ENV_VAR], f"${ENV_VAR}")
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        raise KeyringError(
            f"no master key at {p}: create one with `carrier keys init` (or `carrier init --sandbox`), "
            f"or set {ENV_VAR}"
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyringError(f"master key file {p} is readable by others: chmod 600 {p}")
    ring = _parse(p.read_text(encoding="utf-8"), str(p))
    ring.path, ring._mtime, ring._checked = p, p.stat().st_mtime, time.monotonic()
    return ring


def write_keyring(keyring: Keyring, path: str | os.PathLike[str], *, overwrite: bool = False) -> None:
    """Write atomically with mode 0600 (never world-readable, not even for an instant)."""
    p = Path(path)
    if p.exists() and not overwrite:
        raise KeyringError(f"master key file {p} already exists; refusing to overwrite it")
    tmp = p.with_name(p.name + f".tmp{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(keyring.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

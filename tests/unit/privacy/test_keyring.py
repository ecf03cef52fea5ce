from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from provisioning.privacy.keyring import ENV_VAR, Keyring, KeyringError, load_keyring, new_keyring, write_keyring


def test_round_trip_and_ciphertext_hides_the_plaintext() -> None:
    ring = new_keyring()
    sealed = ring.encrypt("11010519491231002X", "person.id_number")
    assert "11010519491231002X" not in sealed and sealed.startswith(ring.active_id + "$")
    assert ring.decrypt(sealed, "person.id_number") == "11010519491231002X"
    assert ring.encrypt("x", "c") != ring.encrypt("x", "c")  # fresh nonce every time


def test_a_value_moved_to_another_context_or_edited_does_not_open() -> None:
    ring = new_keyring()
    sealed = ring.encrypt("张三", "person.name")
    with pytest.raises(KeyringError, match="failed authentication"):
        ring.decrypt(sealed, "person.phone")
    kid, _, body = sealed.partition("$")
    flipped = body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB")
    with pytest.raises(KeyringError):
        ring.decrypt(f"{kid}${flipped}", "person.name")


def test_old_keys_still_open_after_a_new_key_is_added() -> None:
    ring = new_keyring()
    old = ring.encrypt_json({"name": "李四"}, "subject")
    rotated = ring.with_new_key()
    assert rotated.active_id != ring.active_id
    assert rotated.decrypt_json(old, "subject") == {"name": "李四"}
    new = rotated.encrypt("x", "c")
    assert rotated.key_id_of(new) == rotated.active_id
    with pytest.raises(KeyringError, match="does not hold"):
        ring.decrypt(new, "c")


def test_blind_index_is_deterministic_keyed_and_normalised() -> None:
    ring, other = new_keyring(), new_keyring()
    a = ring.blind_index("RESIDENT_ID", "11010519491231002x")
    assert a == ring.blind_index("RESIDENT_ID", " 11010519491231002X ")
    assert a != ring.blind_index("PASSPORT", "11010519491231002X")
    assert a != other.blind_index("RESIDENT_ID", "11010519491231002X")
    assert "110105" not in a and len(a) == 32


def test_blind_indexes_stored_earlier_still_match() -> None:
    """Stored indexes and natural keys are compared with freshly made ones: the digests
    are HMAC-SHA256 under the index key, hex, first 128 bits (a fixed vector), whatever
    shortcut makes them; and one keyring's digests never leak into another's."""
    ring = Keyring({"k1": bytes(32)}, bytes(range(32)))
    assert ring.blind_index("owner", " citizen:11010519491231002x ") == "b9b8b743177c19e726c2759ff7230726"
    assert ring.keyed_digest("registration", "1\n{}") == "0dd2d0dc83d24afd2258e1645e8ac6c6"
    assert ring.keyed_digest("registration", "1\n{}") == ring.keyed_digest("registration", "1\n{}")
    other = Keyring({"k1": bytes(32)}, bytes(32))
    assert other.keyed_digest("registration", "1\n{}") != ring.keyed_digest("registration", "1\n{}")
    first = other.keyed_digest("registration", "1\n{}")
    other.index_key = bytes(range(32))  # a keyed state made for the old key is not reused
    assert other.keyed_digest("registration", "1\n{}") == "0dd2d0dc83d24afd2258e1645e8ac6c6" != first


def test_key_file_is_0600_and_reloads(tmp_path: Path) -> None:
    path = tmp_path / "carrier.key"
    ring = new_keyring()
    write_keyring(ring, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    loaded = load_keyring(path, environ={})
    assert loaded.decrypt(ring.encrypt("v", "c"), "c") == "v"
    with pytest.raises(KeyringError, match="already exists"):
        write_keyring(new_keyring(), path)


def test_refuses_a_key_file_others_can_read(tmp_path: Path) -> None:
    path = tmp_path / "carrier.key"
    write_keyring(new_keyring(), path)
    os.chmod(path, 0o644)
    with pytest.raises(KeyringError, match="chmod 600"):
        load_keyring(path, environ={})


def test_missing_key_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(KeyringError, match="carrier keys init"):
        load_keyring(tmp_path / "none.key", environ={})


def test_environment_variable_wins_and_is_validated(tmp_path: Path) -> None:
    ring = new_keyring()
    loaded = load_keyring(tmp_path / "none.key", environ={ENV_VAR: ring.to_json()})
    assert loaded.index_key == ring.index_key
    with pytest.raises(KeyringError, match="malformed"):
        load_keyring(tmp_path / "none.key", environ={ENV_VAR: "{not json"})


def test_a_ring_picks_up_a_key_another_process_added(tmp_path: Path) -> None:
    path = tmp_path / "carrier.key"
    write_keyring(new_keyring(), path)
    mine = load_keyring(path, environ={})
    theirs = load_keyring(path, environ={}).with_new_key()
    write_keyring(theirs, path, overwrite=True)
    os.utime(path, (1, 1))  # a different mtime even on coarse-clock file systems
    sealed = theirs.encrypt("v", "c")
    assert mine.decrypt(sealed, "c") == "v"  # unknown key id: re-read the file
    assert mine.active_id == theirs.active_id

"""Clerk file, settings file and training data under real storage faults: each names its file and the next
step (never SQLite's words) and leaves what was saved intact."""

from __future__ import annotations

import hashlib
import json

import pytest

from pos_app.clerks import ClerkRegistry, Role
from pos_app.settings import Settings, load_settings, save_settings
from pos_app.storage_errors import Fault, StorageError, What
from tests.storage_faults import fill, garbage, read_only_folder, small_disk


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_damaged_clerk_file_is_named_and_kept(tmp_path):
    path = tmp_path / "clerks.db"
    garbage(path)
    before = _digest(path)
    with pytest.raises(StorageError) as caught:
        ClerkRegistry(path)
    exc = caught.value
    assert (exc.fault, exc.what, exc.path) == (Fault.CORRUPT, What.CLERKS, path)
    assert f"The clerk file ({path}) is damaged." in str(exc) and "call support" in str(exc)
    assert "sqlite" not in str(exc).lower() and "not a database" not in str(exc)
    assert _digest(path) == before


def test_clerk_file_in_a_read_only_folder(tmp_path):
    registry = ClerkRegistry(tmp_path / "clerks.db")
    registry.add("Maria", "246813", Role.MANAGER, by=None)
    registry.close()
    with read_only_folder(tmp_path):
        with pytest.raises(StorageError) as caught:
            ClerkRegistry(tmp_path / "clerks.db")
    assert caught.value.fault is Fault.READ_ONLY and caught.value.what is What.CLERKS
    registry = ClerkRegistry(tmp_path / "clerks.db")  # writable again: the manager is still there
    try:
        assert registry.login("Maria", "246813").is_manager
    finally:
        registry.close()


def test_clerk_file_on_a_full_disk_refuses_the_write_and_keeps_the_clerks(tmp_path):
    with small_disk(tmp_path / "disk", "1m") as disk:
        registry = ClerkRegistry(disk / "clerks.db")
        try:
            manager = registry.add("Maria", "246813", Role.MANAGER, by=None)
            filler = fill(disk)
            with pytest.raises(StorageError) as caught:
                for n in range(300):
                    registry.add(f"Clerk {n}", "1357", Role.CLERK, by=manager)
            assert caught.value.fault is Fault.DISK_FULL and caught.value.what is What.CLERKS
            added = {e.name for e in registry.events("add")}  # a clerk and its audit entry: both or neither
            assert added == {c.name for c in registry.list()}
            filler.unlink()
            assert registry.login("Maria", "246813").id == manager.id
        finally:
            registry.close()


def test_settings_save_in_a_read_only_folder_keeps_the_old_file(tmp_path):
    path = tmp_path / "settings.json"
    save_settings(Settings(lane="FRONT"), path)
    before = path.read_bytes()
    with read_only_folder(tmp_path):
        with pytest.raises(StorageError) as caught:
            save_settings(Settings(lane="BACK"), path)
    exc = caught.value
    assert (exc.fault, exc.what) == (Fault.READ_ONLY, What.SETTINGS)
    assert str(path) in str(exc) and f"Make the folder {tmp_path} writable" in str(exc)
    assert path.read_bytes() == before and load_settings(path).lane == "FRONT"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["settings.json"]  # no temp file left


def test_settings_save_on_a_full_disk_keeps_the_old_file(tmp_path):
    with small_disk(tmp_path / "disk", "256k") as disk:
        path = disk / "settings.json"
        save_settings(Settings(lane="FRONT"), path)
        filler = fill(disk)
        big = Settings(lane="BACK")
        big.merchant.footer = "x" * 50_000
        with pytest.raises(StorageError) as caught:
            save_settings(big, path)
        assert caught.value.fault is Fault.DISK_FULL
        assert json.loads(path.read_text())["lane"] == "FRONT"
        assert sorted(p.name for p in disk.iterdir()) == ["filler.bin", "settings.json"]
        filler.unlink()


def test_settings_path_that_is_a_folder_cannot_open(tmp_path):
    (tmp_path / "settings.json").mkdir()
    with pytest.raises(StorageError) as caught:
        load_settings(tmp_path / "settings.json")
    assert caught.value.fault is Fault.CANNOT_OPEN and caught.value.what is What.SETTINGS


def test_damaged_training_data_says_it_is_practice_data(tmp_path):
    from pos_app.training.store import Store

    path = tmp_path / "training.db"
    garbage(path)
    with pytest.raises(StorageError) as caught:
        Store(path)
    exc = caught.value
    assert (exc.fault, exc.what) == (Fault.CORRUPT, What.TRAINING)
    assert "practice data only" in str(exc) and str(path) in str(exc)

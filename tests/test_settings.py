import json

import pytest

from pos_app.settings import Settings, load_settings, save_settings


def test_round_trip_keeps_unknown_keys_and_no_secret_fields(tmp_path):
    path = tmp_path / "settings.json"
    s = Settings(environment="sandbox", api_users={"sandbox": "APIUser1"})
    s.merchant.name = "Corner Shop"
    save_settings(s, path)
    data = json.loads(path.read_text())
    data["future_option"] = 7
    path.write_text(json.dumps(data))
    loaded = load_settings(path)
    assert loaded.environment == "sandbox" and loaded.merchant.name == "Corner Shop"
    save_settings(loaded, path)
    again = json.loads(path.read_text())
    assert again["future_option"] == 7
    assert not any("key" in k.lower() or "secret" in k.lower() for k in again)


def test_corrupt_file_is_moved_aside_and_defaults_used(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    s = load_settings(path)
    assert s.environment == "training"
    assert (tmp_path / "settings.json.bad").exists() and not path.exists()


def test_a_second_damaged_file_keeps_the_first_and_each_is_named_once(tmp_path):
    from pos_app.settings import take_set_aside

    take_set_aside()  # nothing left over from other tests of this process
    path = tmp_path / "settings.json"
    path.write_text("{first")
    load_settings(path)
    path.write_text("{second")
    load_settings(path)
    kept = sorted(tmp_path.glob("settings.json.bad*"))
    assert len(kept) == 2 and {k.read_text() for k in kept} == {"{first", "{second"}
    assert sorted(take_set_aside()) == kept and take_set_aside() == []


def test_unknown_environment_falls_back_to_training(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"environment": "production?"}))
    assert load_settings(path).environment == "training"


def test_wrong_types_fall_back_per_key_and_the_rest_is_kept(tmp_path, caplog):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({
        "environment": "sandbox", "idle_lock_minutes": "five", "lane": "bad lane!", "setup_done": "yes",
        "merchant": {"name": "Corner Shop", "phone": 5551234}, "api_users": {"sandbox": "U1"},
    }))
    s = load_settings(path)
    assert s.environment == "sandbox" and s.api_users == {"sandbox": "U1"}
    assert s.idle_lock_minutes == 5 and s.lane == "LANE1" and s.setup_done is False
    assert s.merchant.name == "Training Store"  # a merchant block with a non-text value is refused whole
    assert {"idle_lock_minutes", "lane", "setup_done", "merchant"} <= {
        word for r in caplog.records for word in r.getMessage().split() }


def test_newer_version_is_read_as_far_as_understood(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 7, "language": "es", "new_thing": [1, 2]}))
    s = load_settings(path)
    assert s.language == "es" and s.version == 7
    save_settings(s, path)
    again = json.loads(path.read_text())
    assert again["version"] == 7 and again["new_thing"] == [1, 2]


def test_run_settings_keep_training_apart(tmp_path):
    """Issue 14 §1: which file a run reads, and what a training run may see (decision 0200)."""
    from pos_app.config import Environment, app_paths
    from pos_app.settings import Merchant, load_run_settings, merge_into_counter

    paths = app_paths(tmp_path).ensure()
    # Nothing set up yet: the counter's (default) settings, so the first-run wizard runs.
    first = load_run_settings(paths, force_training=False)
    assert not first.setup_done and first.env is Environment.TRAINING
    # A counter that chose Training before training had its own file: its store fields seed training's.
    save_settings(Settings(environment="training", setup_done=True, lane="FRONT", merchant=Merchant(name="Shop"),
                           api_users={"sandbox": "Old"}), paths.settings_file)
    seeded = load_run_settings(paths, force_training=False)
    assert (seeded.lane, seeded.merchant.name, seeded.api_users, seeded.setup_done) == ("FRONT", "Shop", {}, True)
    # A Live counter: --training gets training's own file (defaults here), never the counter's.
    save_settings(Settings(environment="live", setup_done=True, lane="TILL", merchant=Merchant(name="Real"),
                           api_users={"live": "LiveUser"}), paths.settings_file)
    forced = load_run_settings(paths, force_training=True)
    assert (forced.env, forced.lane, forced.merchant.name, forced.api_users) == (Environment.TRAINING, "LANE1",
                                                                                 "Training Store", {})
    assert load_run_settings(paths, force_training=False).api_users == {"live": "LiveUser"}
    # A Sandbox set-up merges into the counter's file: Live's API user and unknown keys stay.
    data = json.loads(paths.settings_file.read_text())
    paths.settings_file.write_text(json.dumps({**data, "future_key": 1}))
    merge_into_counter(Settings(environment="sandbox", setup_done=True, api_users={"sandbox": "SbxUser"}),
                       paths.settings_file)
    merged = json.loads(paths.settings_file.read_text())
    assert merged["api_users"] == {"live": "LiveUser", "sandbox": "SbxUser"} and merged["future_key"] == 1
    assert merged["environment"] == "sandbox"
    with pytest.raises(ValueError):
        merge_into_counter(Settings(environment="training"), paths.settings_file)


def test_the_last_save_folder_is_remembered_alone(tmp_path):
    """Save dialogs start where the person last saved (decision 0353): only that value of the file changes,
    even when the run's copy of the settings is older than the file."""
    from pos_app.settings import Merchant, remember_save_folder

    path = tmp_path / "settings.json"
    save_settings(Settings(environment="live", setup_done=True, lane="TILL", api_users={"live": "LiveUser"},
                           merchant=Merchant(name="Edited in the wizard")), path)
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "future_key": 1}))
    older = Settings(environment="live", lane="OLD", merchant=Merchant(name="Before the edit"))
    remember_save_folder(path, "/home/ana/Documents/Reports", older)
    after = json.loads(path.read_text())
    assert after == {**data, "future_key": 1, "save_folder": "/home/ana/Documents/Reports"}
    assert load_settings(path).save_folder == "/home/ana/Documents/Reports"
    # no file yet (a first training run): written from the run's settings
    fresh = tmp_path / "settings-training.json"
    remember_save_folder(fresh, "/media/usb", Settings(lane="FRONT", setup_done=True))
    assert (load_settings(fresh).lane, load_settings(fresh).save_folder) == ("FRONT", "/media/usb")


@pytest.mark.parametrize("value", [12, None, "x" * 5000, "/tmp/a\x00b"])
def test_a_hand_edited_save_folder_falls_back_to_documents(tmp_path, value):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"save_folder": value, "lane": "FRONT"}))
    settings = load_settings(path)
    assert settings.save_folder == "" and settings.lane == "FRONT"


def test_the_default_window_place_loads_without_a_warning(tmp_path, caplog):
    """A settings file saved before the window was ever placed holds ``window_geometry: {}``: that is the default,
    kept as is, not a damaged value to warn about; a half-written place is still refused."""
    import json
    import logging

    from pos_app.settings import Settings, load_settings, save_settings

    path = tmp_path / "settings.json"
    save_settings(Settings(), path)
    with caplog.at_level(logging.WARNING):
        assert load_settings(path).window_geometry == {}
    assert "window_geometry" not in caplog.text
    data = json.loads(path.read_text())
    data["window_geometry"] = {"x": 1, "y": 2}
    path.write_text(json.dumps(data))
    with caplog.at_level(logging.WARNING):
        assert load_settings(path).window_geometry == {}
    assert "window_geometry" in caplog.text

import json

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


def test_unknown_environment_falls_back_to_training(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"environment": "production?"}))
    assert load_settings(path).environment == "training"

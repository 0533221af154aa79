"""Issue 14 §1 as an attacker at the counter meets it: on a counter set up for Live, `pos-app --training`,
Manager → Settings approved with the published training PIN, real keys in the set-up window: Live's
settings, clerk file, journal and keyring entry are untouched (compared byte for byte), and only training's
settings change. Real app, real X display with a window manager, real keys (see README.md)."""

from __future__ import annotations


def test_training_settings_cannot_reach_live(run_scenario):
    r = run_scenario("training_cannot_touch_live")
    assert r["signed_in"] and r["approval_opened"] and r["wizard_opened"], r["steps"]
    page = r["environment_page"]
    assert page["checked"] == "training"
    assert page["enabled"] == {"training": True, "sandbox": False, "live": False}
    assert "started with --training" in page["note"]
    assert r["after_trying"]["checked"] == "training"        # the keyboard cannot pick Sandbox or Live
    assert r["page_after_next"] == "Store and receipt"        # no credentials page, so no key anywhere
    assert r["wizard_closed"]
    assert r["live_after"] == r["live_before"] and r["live_before"]
    assert r["keyring_after"] == r["keyring_before"]
    assert r["live_approvals"] == []
    assert r["training_store_name"] == "Practice Shop"
    assert r["counter_settings"]["environment"] == "live"
    assert r["counter_settings"]["api_users"] == {"live": "LiveStoreUser"}
    assert r["counter_settings"]["merchant"]["name"] == "Real Store"

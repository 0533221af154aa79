"""Child process of the lane-crash person-like test (issue 20, decision 0465), on ``store_mode``'s machinery.

    python -m tests.person.lane_crash <phase> <home> <shots_dir> <json options>

Phase ``charge``: the set-up wizard answered with real keys, the clerk signs in, picks the customer, types
23.45 and charges the card on file with F5/Enter; PaySimple is slow (the test's fault), and the test kills this
process with SIGKILL while the charge is in flight. Phase ``again``: the app started again on the same folder;
the clerk signs in and reads the last payment's outcome (Enter closes each message), then picks the same
customer, types the same amount and presses F5: the repeat warning is read and answered "Do not charge".
"""

from __future__ import annotations

import sys
import time

from tests.person.scenarios import _modal, _screen
from tests.person.store_mode import main, pick_patiently, set_up_store_lane


def charge(s) -> dict:
    p, o, out = s.person, s.options, {}
    w = set_up_store_lane(s, out)
    if w is None:
        return out
    out["signed_in"] = s.sign_in(o["pin"], o["clerk"])
    out["picked"] = pick_patiently(s, o["query"])
    p.key("ctrl+a")
    p.type("23.45")
    p.key("F5")
    asked = p.wait_until(lambda: (_modal(s) or {}).get("title") == "Charge card on file", 8000)
    print(f"PICKED {out['picked'] is not None} ASKED {asked} STEPS {s.obs['steps'][-6:]}",
          flush=True)
    p.key("Return")
    print("CHARGING", flush=True)
    time.sleep(300)  # the test kills this process now
    return out


def again(s) -> dict:
    p, o, out = s.person, s.options, {"told": []}
    s.wait_until(lambda: s.window is not None and s.window.counter is not None and s.shell is not None
                 and s.shell.sign_in_dialog is not None, 60_000)
    w = s.window
    p.settle(1500)  # the app's first window takes the keyboard a moment after it shows
    out["signed_in"] = s.sign_in(o["pin"], o["clerk"])
    for _ in range(2):  # a loaded machine: keys typed before the sign-in had the keyboard are lost; click, retype
        if out["signed_in"]:
            break
        p.click_widget(s.gui(lambda: s.shell.login_dialog().pin))
        p.key("ctrl+a")
        out["signed_in"] = s.sign_in(o["pin"])
    ends = time.monotonic() + 90
    while time.monotonic() < ends:  # the messages about the last payment, until one is final
        if not p.wait_until(lambda: (_modal(s) or {}).get("title") == "Last payment", 20_000):
            break
        told = _modal(s)
        out["told"].append(told)
        p.key("Return")
        p.settle(500)
        if "still unknown" not in " ".join(told["texts"]):
            break
    out["shot_told"] = s.shot("lane-crash-told")
    p.settle(1000)
    out["picked"] = pick_patiently(s, o["query"])
    p.key("ctrl+a")
    p.type("23.45")
    p.key("F5")
    p.wait_until(lambda: (_modal(s) or {}).get("title") == "Already charged?", 15_000)
    out["repeat"] = _modal(s)
    out["shot_repeat"] = s.shot("lane-crash-repeat")
    p.key("Escape")  # Do not charge
    p.settle(1500)
    out["after"] = _screen(s)
    out["charging"] = s.gui(lambda: w.charging)
    return out


if __name__ == "__main__":
    phase, *args = sys.argv[1:]
    sys.exit(main(*args, scenario_run={"charge": charge, "again": again}[phase]))

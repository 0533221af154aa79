import json, os
def test_explore(run_scenario):
    states = os.environ.get("STATES", "no_customer").split(",")
    keys = [k for k in os.environ.get("KEYS", "").split(",") if k]
    r = run_scenario("tests.person.keys_scenarios:keys_table", timeout=290, states=states, keys=keys,
                     with_payment=bool(os.environ.get("PAY")))
    with open("/tmp/keys/obs-" + "-".join(states) + ".txt", "w") as fh:
      for st in states:
        for k, o in r[st].items():
            print(f"== {st} {k}: active={o['active']!r} page={o['page']} kind={o['kind']} form={o['form']} modal={o['modal']!r} focus={o['before_focus']}->{o['focus']} locked={o['locked']} clerk={o['clerk']} hist={o['history']} eod={o['end_of_day']} receipt={o['receipt_open']}", file=fh)
            for f in ("refused", "login_message", "status", "form_status", "amount_message", "history_message", "eod_state", "search", "amount", "cover", "banner"):
                if o.get(f): print(f"     {f}: {o[f]!r}", file=fh)
      print("\n".join(r["steps"]), file=fh)

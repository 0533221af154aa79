import json
def test_explore(run_scenario):
    r = run_scenario("tests.person.keys_scenarios:explore")
    print(json.dumps({k: str(v) for k, v in r.items()}, indent=1))
    import shutil; shutil.copytree(r["shots"], "/tmp/keys/shots", dirs_exist_ok=True)

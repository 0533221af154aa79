"""Store and demo data directly: deterministic realistic demo customers, number matching by keyed hash,
no full numbers at rest, thread safety of one store shared by many threads."""

from __future__ import annotations

import threading
from collections import Counter

from pos_app.paysimple.rules import validate_customer
from pos_app.training.demo import populate
from pos_app.training.store import Store


def summary(store: Store) -> list[tuple]:
    customers, _ = store.list_customers(page_size=1000, sort_by="lastname")
    return [(c["Id"], c["FirstName"], c["LastName"], c["Email"], c["Phone"],
             tuple(a["Id"] for a in store.customer_accounts(c["Id"])["CreditCardAccounts"])) for c in customers]


def test_demo_data_is_deterministic_valid_and_varied():
    a, b = Store(), Store()
    populate(a, 300, seed=7)
    populate(b, 300, seed=7)
    assert summary(a) == summary(b)
    c = Store()
    populate(c, 300, seed=8)
    assert summary(a) != summary(c)

    customers, total = a.list_customers(page_size=1000)
    assert total == 300
    assert all(validate_customer(x) == [] for x in customers)
    names = Counter((x["FirstName"], x["LastName"]) for x in customers)
    assert names.most_common(1)[0][1] >= 3                                    # common names repeat
    assert any(not (x["FirstName"] + x["LastName"]).isascii() for x in customers)   # accented names
    assert len({x["CustomerAccount"] for x in customers}) == 300
    assert len({x["Email"] for x in customers if x["Email"]}) == sum(1 for x in customers if x["Email"])
    assert sum(1 for x in customers if x["Company"]) > 30
    with_card = sum(1 for x in customers if a.customer_accounts(x["Id"])["CreditCardAccounts"])
    with_ach = sum(1 for x in customers if a.customer_accounts(x["Id"])["AchAccounts"])
    assert 0.3 * 300 < with_card < 0.5 * 300 and 0.1 * 300 < with_ach < 0.3 * 300


def test_matching_accounts_by_full_number_per_customer():
    s = Store()
    ada = s.create_customer({"FirstName": "Ada", "LastName": "Lovelace"})
    bob = s.create_customer({"FirstName": "Bob", "LastName": "Stone"})
    card = s.create_credit_card(ada["Id"], "4111111111111111", "12/2030")
    bank = s.create_ach(ada["Id"], "131111114", "751111111", "PaySimple Bank")
    assert s.find_matching_account(ada["Id"], "CC", number="4111111111111111")["Id"] == card["Id"]
    assert s.find_matching_account(ada["Id"], "CC", number="4012888888881881") is None
    assert s.find_matching_account(bob["Id"], "CC", number="4111111111111111") is None      # other customer
    assert s.find_matching_account(ada["Id"], "ACH", routing="131111114", account="751111111")["Id"] == bank["Id"]
    assert s.find_matching_account(ada["Id"], "ACH", routing="307075259", account="751111111") is None
    s.delete_account(card["Id"])
    assert s.find_matching_account(ada["Id"], "CC", number="4111111111111111") is None
    assert s.find_customer(" ada ", "LOVELACE", None)["Id"] == ada["Id"]
    assert s.find_customer("Ada", "Lovelace", "x@example.com") is None


def test_file_store_uses_wal_and_keeps_numbers_out(tmp_path):
    path = tmp_path / "gw.sqlite"
    s = Store(path)
    c = s.create_customer({"FirstName": "Ada", "LastName": "Lovelace"})
    s.create_credit_card(c["Id"], "5454545454545454", "12/2030")
    assert s._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    s.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert b"5454545454545454" not in raw
    again = Store(path)                                          # same hashing key after reopening
    assert again.find_matching_account(c["Id"], "CC", number="5454545454545454") is not None


def test_one_store_many_threads():
    s = Store()
    errors = []

    def work(n):
        try:
            for i in range(20):
                c = s.create_customer({"FirstName": f"T{n}", "LastName": f"N{i}"})
                s.create_credit_card(c["Id"], "4111111111111111", "12/2030")
                s.list_customers(page_size=5)
        except Exception as exc:             # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and s.count_customers() == 120

"""Deterministic demo customers for the training gateway (``--demo-customers N``).

Realistic variety for searching at the counter: common names repeated (several "Maria Garcia", "James
Smith"), accented names (José Núñez, Zoë Müller, François Lefèvre), middle names, companies, US cities with
states and ZIP codes, 10-digit phones, emails built from names (so duplicates still differ by email), and
``CustomerAccount`` numbers ``C-000123``. About 40% get a card on file (sandbox test cards, future expiry)
and about 15% an ACH account (test routing numbers). The same ``seed`` always gives the same data.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date

from pos_app.training.store import Store

FIRST = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
         "William", "Barbara", "Maria", "José", "Zoë", "François", "Renée", "Chloé", "Ángel", "Björn", "Søren",
         "Nguyen", "Wei", "Aisha", "Mohammed", "Olga", "Siobhán", "Łukasz", "Ana", "Luis", "Ethan", "Olivia",
         "Noah", "Emma", "Liam", "Sophia", "Mason", "Isabella", "Lucas", "Mia"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernández", "López", "Núñez", "Müller", "Lefèvre", "O'Brien", "Nguyen", "Kim", "Patel", "Chen",
        "Kowalski", "Ødegaard", "Peña", "Schröder", "Dubois", "Anderson", "Taylor", "Thomas", "Moore", "Jackson",
        "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young"]
COMMON = [("Maria", "Garcia"), ("James", "Smith"), ("John", "Smith"), ("Michael", "Johnson"), ("Wei", "Chen")]
MIDDLE = ["A.", "Lee", "Marie", "J.", "Ann", "Ray", None, None, None, None]
COMPANIES = ["Acme Plumbing", "Blue Sky Bakery", "Summit Dental", "Garcia & Sons", "Peak Fitness",
             "Front Range Florist", "Mile High Auto", "Café Lumière", "Northside Hardware", "Aspen Realty"]
CITIES = [("Denver", "CO", "802"), ("Boulder", "CO", "803"), ("Austin", "TX", "787"), ("Portland", "OR", "972"),
          ("Chicago", "IL", "606"), ("Miami", "FL", "331"), ("Boston", "MA", "021"), ("Phoenix", "AZ", "850"),
          ("Seattle", "WA", "981"), ("Atlanta", "GA", "303"), ("New York", "NY", "100"), ("Santa Fe", "NM", "875")]
STREETS = ["Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Broadway", "Pine St", "Elm St", "Colfax Ave",
           "Lake Shore Dr", "Sunset Blvd"]
TEST_CARDS = ["4111111111111111", "5454545454545454", "371449635398456", "6011000995504101", "2223000048400011"]
TEST_ROUTING = ["131111114", "307075259"]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace("'", "")


def demo_customer(rng: random.Random, n: int) -> dict:
    first, last = rng.choice(COMMON) if rng.random() < 0.12 else (rng.choice(FIRST), rng.choice(LAST))
    city, state, zip3 = rng.choice(CITIES)
    address = {"StreetAddress1": f"{rng.randint(10, 9999)} {rng.choice(STREETS)}",
               "StreetAddress2": f"Apt {rng.randint(1, 40)}" if rng.random() < 0.2 else None,
               "City": city, "StateCode": state, "ZipCode": f"{zip3}{rng.randint(0, 99):02d}", "Country": "US"}
    domain = rng.choice(["example.com", "example.org", "mail.example.net"])
    return {
        "FirstName": first, "LastName": last, "MiddleName": rng.choice(MIDDLE),
        "Company": rng.choice(COMPANIES) if rng.random() < 0.25 else None,
        "CustomerAccount": f"C-{n:06d}",
        "Phone": f"{rng.choice(['303', '720', '512', '503', '312', '305'])}555{rng.randint(0, 9999):04d}",
        "MobilePhone": f"720555{rng.randint(0, 9999):04d}" if rng.random() < 0.3 else None,
        "Email": f"{_ascii(first)}.{_ascii(last)}{n}@{domain}" if rng.random() < 0.85 else None,
        "Notes": "Prefers email receipts." if rng.random() < 0.05 else None,
        "ShippingSameAsBilling": True, "BillingAddress": address if rng.random() < 0.9 else None,
    }


def populate(store: Store, count: int, seed: int = 20261125) -> list[int]:
    """Create ``count`` demo customers (and their accounts); returns their ids."""
    rng = random.Random(seed)
    year = date.today().year
    ids = []
    for n in range(1, count + 1):
        customer = store.create_customer(demo_customer(rng, n))
        ids.append(customer["Id"])
        roll = rng.random()
        if roll < 0.40:
            store.create_credit_card(customer["Id"], rng.choice(TEST_CARDS),
                                     f"{rng.randint(1, 12):02d}/{year + rng.randint(1, 5)}",
                                     (customer["BillingAddress"] or {}).get("ZipCode"))
        if 0.40 <= roll < 0.55 or roll < 0.05:
            store.create_ach(customer["Id"], rng.choice(TEST_ROUTING), str(rng.randint(10**8, 10**10)),
                             "PaySimple Bank", is_checking=rng.random() < 0.8)
    return ids

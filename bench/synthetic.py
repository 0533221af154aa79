"""Synthetic customers with realistic shapes, for the directory benchmarks (not shipped in the package).

Names follow a steep (Zipf-like) distribution over common US names, so "John Smith" occurs hundreds of
times per million, with a long tail of generated rare names; a few percent carry accents (José, Müller,
Zoë, Nguyễn...). Phones are 10-digit NANP numbers over a set of area codes; emails derive from the name;
some customers have a company, an account / loyalty number, a mobile number. Deterministic for a seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from pos_app.customers.models import CustomerRecord

FIRST = (
    "James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony "
    "Mark Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan "
    "Jacob Gary Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander "
    "Frank Patrick Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle "
    "Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra "
    "Ashley Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura "
    "Cynthia Kathleen Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine "
    "Debra Rachel Carolyn Janet Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly "
    "Lauren Christina Joan Evelyn Judith Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara "
    "Madison Frances Kathryn Janice Jean Abigail Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle "
    "Beverly Isabella Theresa Diana Natalie Brittany Charlotte Marie Kayla Alexis Lori Johnny Jon Joanna Jo"
).split()
FIRST_ACCENTED = "José María Zoë Renée François Björn Søren Łukasz Jürgen Inés Chloé Noël Ángel Raúl Dagný".split()
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall "
    "Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins "
    "Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly "
    "Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes "
    "Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan "
    "Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander "
    "Hamilton Graham Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina "
    "Aguilar Stevens Murray Ford Castro Marshall Owens Harrison Fernandez McDonald Woods Washington Kennedy "
    "Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter Hunter Gordon "
    "Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose "
    "Stone Salazar Fox Warren Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver "
    "Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce Hansen Peters Santos Hart Bradley "
    "Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry "
    "Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval Smithers"
).split()
LAST_ACCENTED = "Müller Muñoz Peña Nguyễn Gómez Pérez Jiménez Núñez Böhm Groß Østergaard Dvořák O'Brien".split()
SYLLABLES = ("ka la mi no ru se ta vo be di fa go hu jo ke li mo na pe qui ra si to ul va we xi ya zo an "
             "el in or us ber dan fel gar hol kin lor mar nel per ros sel tor van wil").split()
CITIES = ("Denver Boulder Aurora Austin Dallas Houston Phoenix Tucson Portland Seattle Spokane Boise Omaha "
          "Chicago Springfield Madison Columbus Dayton Atlanta Miami Tampa Orlando Raleigh Richmond Boston "
          "Albany Buffalo Newark Trenton Baltimore Reno Fresno Oakland Sacramento").split()
AREA_CODES = [str(a) for a in (303, 720, 719, 970, 512, 214, 713, 602, 520, 503, 206, 509, 208, 402, 312,
                               217, 608, 614, 937, 404, 305, 813, 407, 919, 804, 617, 518, 716, 973, 609,
                               410, 775, 559, 510, 916, 212, 646, 718, 415, 408)]
DOMAINS = "gmail.com yahoo.com outlook.com hotmail.com icloud.com aol.com comcast.net msn.com".split()
COMPANY_WORDS = ("Plumbing Electric Bakery Consulting Design Motors Dental Garden Builders Cleaning Catering "
                 "Hardware Books Cafe Salon Studio Logistics Roofing Printing Fitness").split()


def _zipf_weights(n: int, s: float = 1.0) -> list[float]:
    return [1.0 / (rank ** s) for rank in range(1, n + 1)]


def _rare_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def generate(n: int, seed: int = 1, first_id: int = 1) -> Iterator[CustomerRecord]:
    """``n`` customers with PaySimple ids ``first_id``.. (consecutive)."""
    rng = random.Random(seed)
    first_pool = FIRST + FIRST_ACCENTED
    last_pool = LAST + LAST_ACCENTED
    first_w = _zipf_weights(len(FIRST), 0.9) + [0.02] * len(FIRST_ACCENTED)
    last_w = _zipf_weights(len(LAST), 0.8) + [0.02] * len(LAST_ACCENTED)
    rare_last = [_rare_name(rng) for _ in range(max(50, n // 20))]
    rare_first = [_rare_name(rng) for _ in range(max(20, n // 100))]
    chunk = 10_000
    done = 0
    while done < n:
        m = min(chunk, n - done)
        firsts = rng.choices(first_pool, weights=first_w, k=m)
        lasts = rng.choices(last_pool, weights=last_w, k=m)
        for i in range(m):
            cid = first_id + done + i
            first, last = firsts[i], lasts[i]
            roll = rng.random()
            if roll < 0.35:
                last = rng.choice(rare_last)
            elif roll < 0.40:
                first = rng.choice(rare_first)
            middle = rng.choice(FIRST)[0] if rng.random() < 0.15 else None
            company = None
            if rng.random() < 0.12:
                company = f"{rng.choice(LAST)} {rng.choice(COMPANY_WORDS)}"
            phone = mobile = None
            if rng.random() < 0.9:
                phone = rng.choice(AREA_CODES) + f"{rng.randrange(2000000, 9999999):07d}"
            if rng.random() < 0.3:
                mobile = rng.choice(AREA_CODES) + f"{rng.randrange(2000000, 9999999):07d}"
            email = None
            if rng.random() < 0.85:
                base = f"{first}.{last}" if rng.random() < 0.5 else f"{first[0]}{last}"
                local = "".join(ch for ch in base.lower() if ch.isascii() and (ch.isalnum() or ch == "."))
                email = f"{local}{rng.randrange(100) if rng.random() < 0.6 else ''}@{rng.choice(DOMAINS)}"
            account = f"7{cid:09d}" if rng.random() < 0.5 else None
            city = rng.choice(CITIES) if rng.random() < 0.8 else None
            yield CustomerRecord(
                first_name=first, last_name=last, paysimple_id=cid, middle_name=middle, company=company,
                customer_account=account, email=email, phone=phone, mobile_phone=mobile,
                street1=f"{rng.randrange(1, 9999)} Main St" if city else None, city=city,
                state_code="CO" if city else None, zip_code=f"{rng.randrange(10000, 99999)}" if city else None,
                country="US" if city else None,
                last_modified="2026-01-01T00:00:00+00:00",
            )
        done += m

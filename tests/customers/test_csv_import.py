"""CSV import: column synonyms, bad rows with line numbers and reasons, the report file, no duplicates on
re-import, broken quoting, encodings, cancel, and what happens when PaySimple already has the customer."""

from __future__ import annotations

import csv
import threading

import pytest

from pos_app.customers.csv_import import CsvColumnsError, CsvImportError, import_csv, split_full_name
from tests.customers.conftest import names, person


def write(tmp_path, text: str, name: str = "customers.csv", encoding: str = "utf-8") -> object:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def report_rows(report) -> list[dict]:
    with open(report.report_path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


GOOD = """First Name,Last_Name,E-mail,Phone Number,Mobile,Loyalty #,City,State,Zip,Address
Ada,Lovelace,ada@example.com,(303) 555-0100,,L-001,Denver,co,80202,1 Main St
José,Núñez,jose@example.com,+1 720 555 0199,303.555.0142,L-002,Boulder,CO,80302,2 Pearl St
"O'Brien, Jr",Sean,sean@example.com,,,,,,,
"""


def test_synonym_headers_map_and_rows_import_as_local_only(directory, tmp_path):
    report = import_csv(directory, write(tmp_path, GOOD), report_path=tmp_path / "r.csv")
    assert (report.rows, report.imported, report.problems) == (3, 3, [])
    assert report.mapping == {"first_name": "First Name", "last_name": "Last_Name", "email": "E-mail",
                              "phone": "Phone Number", "mobile_phone": "Mobile", "customer_account": "Loyalty #",
                              "city": "City", "state_code": "State", "zip_code": "Zip", "street1": "Address"}
    hit = directory.search("jose nunez")[0]
    assert hit.local_only and hit.paysimple_id is None and hit.phone == "(720) 555-0199"
    stored = directory.get(hit.id)
    assert stored.origin == "import" and stored.record.mobile_phone == "3035550142"
    assert directory.get(directory.search("ada")[0].id).record.state_code == "CO"
    assert names(directory.search("l001")) == ["Ada Lovelace"]
    assert names(directory.search("obrien")) == ["O'Brien, Jr Sean"]
    assert report_rows(report)[-1]["status"] == "summary"


def test_reimporting_the_same_file_creates_no_duplicates(directory, tmp_path):
    path = write(tmp_path, GOOD)
    import_csv(directory, path, report_path=tmp_path / "r1.csv")
    again = import_csv(directory, path, report_path=tmp_path / "r2.csv")
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 3)
    assert directory.count() == 3
    changed = write(tmp_path, GOOD.replace("Denver", "Aurora"), "changed.csv")
    third = import_csv(directory, changed, report_path=tmp_path / "r3.csv")
    assert (third.imported, third.updated, third.unchanged) == (0, 1, 2) and directory.count() == 3
    assert directory.search("ada")[0].city == "Aurora"


def test_rows_without_account_dedupe_by_name_and_email_or_phone(directory, tmp_path):
    text = "Name,Email,Phone\nJohn Smith,js@example.com,\nJohn Smith,,3035550100\nJohn Smith,other@example.com,\n"
    import_csv(directory, write(tmp_path, text), report_path=tmp_path / "r.csv")
    assert directory.count() == 3  # three different John Smiths as far as anyone can tell
    again = import_csv(directory, write(tmp_path, text.replace("JS@", "js@").upper().replace("NAME,EMAIL,PHONE",
                                                                                            "Name,Email,Phone")),
                       report_path=tmp_path / "r2.csv")
    assert again.imported == 0 and directory.count() == 3  # case-insensitive name/email match


def test_wrong_columns_are_refused_naming_what_is_missing(directory, tmp_path):
    with pytest.raises(CsvColumnsError) as err:
        import_csv(directory, write(tmp_path, "Nom,Prénom,Courriel\nLovelace,Ada,a@x.org\n"),
                   report_path=tmp_path / "r.csv")
    assert "First Name and Last Name" in str(err.value) and "'Courriel'" in str(err.value)
    assert err.value.missing == ["First Name", "Last Name"]
    with pytest.raises(CsvColumnsError, match="Last Name"):
        import_csv(directory, write(tmp_path, "First Name,Email\nAda,a@x.org\n"), report_path=tmp_path / "r.csv")
    with pytest.raises(CsvImportError, match="empty"):
        import_csv(directory, write(tmp_path, "\n\n"), report_path=tmp_path / "r.csv")
    assert directory.count() == 0


def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_kept(directory, tmp_path):
    text = ("first_name,last_name,email,phone,account\n"
            "Ada,Lovelace,ada@example.com,3035550100,A1\n"       # line 2 ok
            "Bad,Email,not-an-email,,A2\n"                       # line 3 bad email
            ",NoFirst,nf@example.com,,A3\n"                      # line 4 missing first name
            "Dup,Account,dup@example.com,,a-1\n"                 # line 5 same account as line 2 (a1)
            "Long,Phone,lp@example.com,303-555-0100 x1234,A5\n"  # line 6 phone with extension: 14 digits
            "Grace,Hopper,grace@example.com,,A6\n")              # line 7 ok
    report = import_csv(directory, write(tmp_path, text), report_path=tmp_path / "r.csv")
    assert report.imported == 2 and directory.count() == 2
    assert names(directory.search("lovelace")) == ["Ada Lovelace"] and names(directory.search("grace")) == ["Grace Hopper"]
    by_line = {p.line: p.reason for p in report.rejected}
    assert sorted(by_line) == [3, 4, 5, 6]
    assert "Email is not a valid email address" in by_line[3] and "'not-an-email'" in by_line[3]
    assert "First name is required" in by_line[4]
    assert "Duplicate account number a-1 (first on line 2)" in by_line[5]
    assert "Phone must be digits only" in by_line[6]
    rows = report_rows(report)
    assert [r["line"] for r in rows if r["status"] == "rejected"] == ["3", "4", "5", "6"]
    assert any(r["name"] == "Bad Email" for r in rows)


def test_broken_quoting_costs_only_the_broken_row(directory, tmp_path):
    text = ('First,Last,Notes\n'
            'Ada,Lovelace,"fine, with a comma"\n'                 # 2 ok
            'Bad,"Quote,never closed\n'                           # 3 broken: the quote swallows nothing
            'Grace,Hopper,ok\n'                                   # 4 ok
            'Multi,Line,"a note\nover two lines"\n'               # 5-6 ok: a quoted line break
            'Stray,Quote"here,x\n'                                # 7 quote inside an unquoted field
            'Alan,Turing,"also ""fine"""\n')                      # 8 ok
    report = import_csv(directory, write(tmp_path, text), report_path=tmp_path / "r.csv")
    con = directory.connection()
    imported = sorted(r[0] for r in con.execute("SELECT first_name || ' ' || last_name FROM customers"))
    assert imported == ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Multi Line"]
    assert sorted(p.line for p in report.rejected) == [3, 7]
    assert all("quot" in p.reason or "fields" in p.reason for p in report.rejected)
    multi = directory.search("multi line")[0]
    assert directory.get(multi.id).local_notes == "a note\nover two lines"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-16"])
def test_encodings_never_crash_and_cp1252_is_noted(directory, tmp_path, encoding):
    text = "First Name,Last Name,City\nJosé,Müller,Zürich\nRenée,Øster,Köln\n"
    report = import_csv(directory, write(tmp_path, text, encoding=encoding), report_path=tmp_path / "r.csv")
    assert report.imported == 2
    assert sorted(names(directory.search("muller"))) == ["José Müller"]
    assert names(directory.search("renee oster")) == ["Renée Øster"]
    if encoding == "cp1252":
        assert report.encoding == "cp1252" and any("Windows-1252" in n for n in report.notes)
        assert any("Windows-1252" in r["reason"] for r in report_rows(report))
    else:
        assert not any("Windows-1252" in n for n in report.notes)


def test_garbage_bytes_are_replaced_not_fatal(directory, tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"First,Last\nAda,Love\x81lace\n\xff\xfe\x00,\x00\nGrace,Hopper\n")
    report = import_csv(directory, path, report_path=tmp_path / "r.csv")
    assert report.encoding == "cp1252" and report.imported >= 2
    assert names(directory.search("hopper")) == ["Grace Hopper"]


def test_semicolon_files_and_full_name_columns(directory, tmp_path):
    text = "Customer Name;Cell;Member ID\nSmith, John Q;303-555-0100;M-9\nMary Ann Jones;;M-10\n"
    report = import_csv(directory, write(tmp_path, text), report_path=tmp_path / "r.csv")
    assert report.imported == 2
    assert names(directory.search("m9")) == ["John Q Smith"]
    assert names(directory.search("jones mary")) == ["Mary Ann Jones"]
    assert split_full_name("Smith, John Q") == ("John", "Q", "Smith")
    assert split_full_name("Cher") == (None, None, "Cher")


def test_card_number_columns_are_never_imported(directory, tmp_path):
    text = "First,Last,Card Number,CVV\nAda,Lovelace,4111111111111111,123\n"
    report = import_csv(directory, write(tmp_path, text), report_path=tmp_path / "r.csv")
    assert "card_number" not in report.mapping and report.imported == 1
    assert "Card Number" in " ".join(report.notes)
    con = directory.connection()
    assert all("4111111111111111" not in str(v) for row in con.execute("SELECT * FROM customers") for v in row)
    assert "4111111111111111" not in report.report_path.read_text(encoding="utf-8-sig")


def test_a_customer_already_in_paysimple_is_left_to_paysimple(directory, tmp_path):
    directory.upsert_many([person("Ada", "Lovelace", pid=77, customer_account="L-001", email="ada@ps.example")])
    report = import_csv(directory, write(tmp_path, GOOD), report_path=tmp_path / "r.csv")
    assert report.already_in_paysimple == 1 and report.imported == 2
    assert directory.get_by_paysimple_id(77).record.email == "ada@ps.example"  # untouched
    assert len(directory.search("lovelace")) == 1


def test_progress_and_cancel_keep_committed_batches(directory, tmp_path):
    rows = "".join(f"Ann{n},Lee{n},ann{n}@example.com\n" for n in range(250))
    path = write(tmp_path, "First,Last,Email\n" + rows)
    cancel = threading.Event()
    seen = []

    def progress(done, total):
        seen.append((done, total))
        cancel.set()  # cancel after the first committed batch

    report = import_csv(directory, path, progress=progress, cancel=cancel, batch_size=100,
                        report_path=tmp_path / "r.csv")
    assert report.cancelled and seen == [(100, 250)]
    assert report.imported == 100 and directory.count() == 100 and directory.pending_count() == 0
    assert len(directory.search("ann", limit=500)) == 100
    done = import_csv(directory, path, batch_size=100, report_path=tmp_path / "r2.csv")
    assert (done.imported, done.unchanged) == (150, 100) and directory.count() == 250


def test_default_report_location_is_in_the_data_dir(directory, tmp_path):
    report = import_csv(directory, write(tmp_path, GOOD))
    from pos_app.config import app_paths

    assert report.report_path.parent == app_paths().data_dir / "import-reports"
    assert report.report_path.name.startswith("customers-") and report.report_path.exists()

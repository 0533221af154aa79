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
    """The report file's rows (``report`` is an ImportReport or a refusal carrying ``report_path``)."""
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


# --- files as people have them (issue 15) -------------------------------------------------------------------

def stored(directory) -> dict[str, tuple]:
    con = directory.connection()
    return {row[0]: row[1:] for row in con.execute(
        "SELECT customer_account, first_name, last_name, company, city, street1, local_notes FROM customers")}


def test_excel_quoting_is_read_exactly_and_columns_never_shift(directory, tmp_path):
    # Issue 15: `Robert "Bob"` was stored with two extra quotes and the row's columns shifted (City=`Inc"`).
    path = tmp_path / "excel.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:  # as Excel and csv.writer write it
        writer = csv.writer(f)
        writer.writerow(["First Name", "Last Name", "Company", "City", "Account", "Notes"])
        writer.writerow(['Robert "Bob"', "Smith", 'Acme, "Inc"', "Denver", "A1", 'said "hi", left'])
        writer.writerow(["Ann", "O'Neil", "Café; Bar", "Boulder", "A2", "line one\r\nline two"])
    assert '"Robert ""Bob"""' in path.read_text(encoding="utf-8-sig")
    report = import_csv(directory, path, report_path=tmp_path / "r.csv")
    assert (report.rows, report.imported, report.rejected_count) == (2, 2, 0)
    assert stored(directory) == {
        "A1": ('Robert "Bob"', "Smith", 'Acme, "Inc"', "Denver", None, 'said "hi", left'),
        "A2": ("Ann", "O'Neil", "Café; Bar", "Boulder", None, "line one\r\nline two")}


@pytest.mark.parametrize("line, why", [
    ('Robert "Bob",Smith,A1\n', "does not start with one"),
    ('Ann, "Lee",A2\n', "does not start with one"),
    ('"Ann"x,Lee,A3\n', "text after a closing quote"),
    ('"Ann,Lee,A4\n', "never closed"),
])
def test_what_rfc_4180_forbids_is_refused_with_the_reason(directory, tmp_path, line, why):
    path = write(tmp_path, "First,Last,Account\n" + line + "Grace,Hopper,A9\n")
    report = import_csv(directory, path, report_path=tmp_path / "r.csv")
    (problem,) = report.rejected
    assert problem.line == 2 and problem.reason.startswith("broken quoting") and why in problem.reason
    assert report.imported == 1 and names(directory.search("hopper")) == ["Grace Hopper"]


def test_the_delimiter_comes_from_a_sample_of_lines_not_the_header_alone(directory, tmp_path):
    # the header alone reads as 2 comma columns or 3 semicolon ones; the data lines agree on semicolons
    text = 'Customer Name;Phone, home;Account\nSmith, John;303-555-0100;S1\nLee, Ann;3035550101;S2\n'
    report = import_csv(directory, write(tmp_path, text), report_path=tmp_path / "r.csv")
    assert report.delimiter == ";" and report.imported == 2
    assert names(directory.search("s1")) == ["John Smith"]
    excel = "sep=|\nFirst|Last|Account\nAda|Lovelace|P1\n"  # Excel's delimiter line
    report = import_csv(directory, write(tmp_path, excel, "sep.csv"), report_path=tmp_path / "r2.csv")
    assert report.delimiter == "|" and report.imported == 1 and names(directory.search("p1")) == ["Ada Lovelace"]


NAME_CHARS = "abcdefgXYZ éñüßÆøŁ李ʻ'\",;|-.&()"
NOTE_CHARS = NAME_CHARS + "\t\n\r"


def _value(alphabet: str, max_size: int):
    from hypothesis import strategies as st

    return st.text(alphabet=alphabet, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def _records():
    from hypothesis import strategies as st

    return st.lists(st.tuples(_value(NAME_CHARS, 30), _value(NAME_CHARS, 30), _value(NAME_CHARS, 40),
                              _value(NAME_CHARS, 30), st.text(alphabet=NOTE_CHARS, max_size=60)),
                    min_size=1, max_size=12)


@pytest.mark.parametrize("dialect", ["excel", "excel-tab", "unix"])
def test_random_records_written_by_csv_writer_import_field_for_field(tmp_path, dialect):
    """Property (issue 15): records with quotes, commas, semicolons, tabs, line breaks and accents written by
    ``csv.writer`` in the excel, excel-tab and unix dialects come back identical, field for field."""
    import tempfile
    from pathlib import Path

    from hypothesis import HealthCheck, given, settings

    from pos_app.customers.directory import Directory

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(_records())
    def check(records):
        with tempfile.TemporaryDirectory(dir=tmp_path) as folder:
            path = Path(folder) / "c.csv"
            with path.open("w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f, dialect=dialect)
                writer.writerow(["First Name", "Last Name", "Company", "City", "Account", "Notes"])
                for i, (first, last, company, city, notes) in enumerate(records):
                    writer.writerow([first, last, company, city, f"R{i}", notes])
            directory = Directory(Path(folder) / "d.db")
            try:
                report = import_csv(directory, path, report_path=Path(folder) / "r.csv")
                assert report.rejected_count == 0, report.problems  # (a city without a street is a warning)
                assert report.imported == len(records)
                assert stored(directory) == {
                    f"R{i}": (first, last, company, city, None, notes.strip() or None)
                    for i, (first, last, company, city, notes) in enumerate(records)}
            finally:
                directory.close()

    check()


def test_a_header_line_over_128_kib_refuses_the_file_with_a_reason_and_a_report(directory, tmp_path):
    header = "First Name,Last Name," + ",".join(f"Extra column {i}" for i in range(12_000)) + "\n"
    assert len(header) > 128 * 1024
    path = write(tmp_path, header + "Ada,Lovelace\n")
    with pytest.raises(CsvImportError) as err:
        import_csv(directory, path, report_path=tmp_path / "r.csv")
    message = str(err.value)
    assert "header" in message and "131,072" in message and "Nothing was imported" in message
    assert "field larger" not in message and directory.count() == 0
    assert err.value.report_path == tmp_path / "r.csv"
    assert any(message in r["reason"] for r in report_rows(err.value))


def test_a_5_mb_data_line_is_rejected_as_too_long_and_the_rest_imports(directory, tmp_path):
    huge = "Ann," + "L" * 5_000_000 + ",a@example.com\n"
    path = write(tmp_path, "First,Last,Email\nAda,Lovelace,ada@example.com\n" + huge + "Grace,Hopper,g@x.org\n")
    report = import_csv(directory, path, report_path=tmp_path / "r.csv")
    (problem,) = report.rejected
    assert problem.line == 3 and "too long" in problem.reason and "5,000,019 characters" in problem.reason
    assert "quot" not in problem.reason
    assert report.imported == 2 and names(directory.search("hopper")) == ["Grace Hopper"]


def test_binary_garbage_after_a_valid_header_imports_nobody_with_control_characters(directory, tmp_path):
    import random

    from pos_app.text_safety import has_unsafe

    garbage = random.Random(15).randbytes(300_000)
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"First Name,Last Name,Email\nAda,Lovelace,ada@example.com\n" + garbage
                     + b"\nGrace,Hopper,grace@example.com\n")
    report = import_csv(directory, path, report_path=tmp_path / "r.csv")
    assert report.encoding == "cp1252" and report.rejected_count > 500
    con = directory.connection()
    for row in con.execute("SELECT * FROM customers"):
        assert not any(isinstance(v, str) and has_unsafe(v) for v in row), row
    assert {"Ada Lovelace", "Grace Hopper"} <= {h.display_name for h in directory.search("", limit=10_000)} | {
        n for n in names(directory.search("lovelace")) + names(directory.search("hopper"))}
    reasons = [p.reason for p in report.rejected]
    assert any("control or invisible formatting character" in r for r in reasons)
    # a random row without any control character cannot be told from a name in an unusual script: the few
    # that get in are flagged in the report, next to the damaged lines
    assert report.imported <= 2 + report.rows // 50
    flagged = {int(r["line"]) for r in report_rows(report) if r["status"] == "warning" and "binary" in r["reason"]}
    assert 2 not in flagged and len(flagged) == report.imported - 1  # all but Ada (line 2, before the damage)


def test_nul_bytes_are_not_removed_but_reject_the_row(directory, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"First,Last\nAda,Love\x00lace\nGrace,Hopper\n")
    report = import_csv(directory, path, report_path=tmp_path / "r.csv")
    (problem,) = report.rejected
    assert problem.line == 2 and "U+0000 (NUL)" in problem.reason and "'Last'" in problem.reason
    assert report.imported == 1 and directory.search("lovelace") == []


def test_control_and_bidi_characters_are_refused_in_every_field_and_notes_may_span_lines(directory, tmp_path):
    rows = [["First", "Last", "City", "Notes", "Old POS id"],
            ["Ada\u202e", "Lovelace", "", "", ""],             # 2 bidi override in a name
            ["Alan", "Turing", "Lon\x1bdon", "", ""],          # 3 ESC in the city
            ["Grace", "Hopper", "", "first\r\nsecond\tok", ""],  # 4-5 notes: line breaks and tabs are fine
            ["Edsger", "Dijkstra", "", "bell\x07", ""],         # 6 other controls are not, even in notes
            ["Barbara", "Liskov", "", "", "x\x00y"],            # 7 binary data in a column we do not import
            ["Ken", "Thompson", "", "", "\u202eunused"]]        # 8 bidi in an ignored column: not our business
    path = tmp_path / "ctl.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    report = import_csv(directory, path, report_path=tmp_path / "r.csv")
    by_line = {p.line: p.reason for p in report.rejected}
    assert sorted(by_line) == [2, 3, 6, 7]
    assert "'First'" in by_line[2] and "U+202E" in by_line[2]
    assert "'City'" in by_line[3] and "U+001B (escape)" in by_line[3]
    assert "'Notes'" in by_line[6] and "U+0007 (bell)" in by_line[6]
    assert "'Old POS id'" in by_line[7] and "binary data" in by_line[7]
    assert sorted(names(directory.search("hopper")) + names(directory.search("thompson"))) == [
        "Grace Hopper", "Ken Thompson"]
    assert directory.get(directory.search("hopper")[0].id).local_notes == "first\r\nsecond\tok"


def test_report_cells_cannot_run_as_formulas(directory, tmp_path):
    path = tmp_path / "formulas.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["First", "Last", "Email"], ['=HYPERLINK("http://evil")', "Lee", "bad"],
                                 ["+1+1", "Lee", "bad"], ["-2+3", "Lee", "bad"], ["@SUM(A1)", "Lee", "bad"]])
    report = import_csv(directory, path, report_path=tmp_path / "r.csv")
    assert report.rejected_count == 4
    rows = [r for r in report_rows(report) if r["status"] == "rejected"]
    assert [r["name"] for r in rows] == ["'=HYPERLINK(\"http://evil\") Lee", "'+1+1 Lee", "'-2+3 Lee", "'@SUM(A1) Lee"]
    with open(report.report_path, encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_a_file_of_only_bad_rows_shows_progress_every_batch_and_can_be_cancelled(directory, tmp_path):
    bad = "".join(f"Ann{i},,a{i}@example.com\n" for i in range(1000))  # every row lacks a last name
    path = write(tmp_path, "First,Last,Email\n" + bad)
    seen = []
    report = import_csv(directory, path, progress=lambda d, t: seen.append((d, t)), batch_size=100,
                        report_path=tmp_path / "r.csv")
    assert seen == [(n, 1000) for n in range(100, 1001, 100)] + [(1000, 1000)]
    assert report.rejected_count == 1000 and len(report.problems) == 200  # all in the file, 200 kept in memory
    assert sum(1 for r in report_rows(report) if r["status"] == "rejected") == 1000
    cancel = threading.Event()
    cancelled = import_csv(directory, path, progress=lambda d, t: cancel.set(), cancel=cancel, batch_size=100,
                           report_path=tmp_path / "r2.csv")
    assert cancelled.cancelled and cancelled.rows == 200 and cancelled.rejected_count == 200


def test_utf16_without_a_byte_order_mark_is_recognised(directory, tmp_path):
    path = tmp_path / "u16.csv"
    path.write_bytes("First,Last\nJosé,Núñez\n".encode("utf-16-le"))
    report = import_csv(directory, path, report_path=tmp_path / "r.csv")
    assert report.encoding == "utf-16-le" and report.imported == 1
    assert names(directory.search("nunez")) == ["José Núñez"]

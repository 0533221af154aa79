"""CSV import for stores moving from another POS: tolerant reading, strict rows, a report the user can open.

``import_csv(directory, path, progress=None, cancel=None, report_path=None) -> ImportReport``

Columns are found by header name, compared lower-case with spaces and punctuation removed, through a table of
synonyms ("First Name", "first_name", "Given name" → first name; "Phone Number", "Tel" → phone; "Mobile",
"Cell" → mobile; "E-mail" → email; "Loyalty #", "Account", "Member ID", "Barcode" → account number...). A
single "Name" / "Customer Name" column is split ("Smith, John" or "John Q Smith"). Unknown columns are
ignored and listed in the report. Without first + last name (or a full name) column the file is refused
with ``CsvColumnsError`` naming what is missing, and nothing is imported. "Card Number" style columns are
never mapped: card numbers must not enter the directory.

Reading never crashes on bytes: UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; anything
else is read as Windows-1252 (undefined bytes become U+FFFD) and the report says so. The delimiter is sniffed
from the header line (comma, semicolon, tab, pipe). Broken quoting is contained: a record may span lines
only while a quote is open and it then parses to exactly the header's number of fields; otherwise its
first line is reported ("broken quoting") and reading continues on the next line, so one stray quote costs one row.

Rows are checked with PaySimple's own rules (``pos_app.paysimple.rules.validate_customer``) after phones
are reduced to digits (a leading country code 1 dropped): a row that PaySimple would refuse is reported with
its line number and reason, and not imported. An incomplete billing address (PaySimple needs street, city
and ZIP together) does not reject the customer: the row is imported and the report carries a warning.

Duplicates — decision: a row is the same customer as an existing one when
1. it has an account / loyalty number and a customer has the same number (compared as letters and digits,
   case-insensitive); otherwise
2. it has the same folded first + last name AND the same email, or the same name and the same phone.
A match with a local-only customer (an earlier import) updates that row; a match with a PaySimple customer
leaves it alone (PaySimple is the authority; counted as ``already_in_paysimple``). So importing the same file
twice creates nothing the second time. Inside one file, a second row with an account number already used on
an earlier line is rejected ("duplicate account number, first on line N"); a repeated name+email/phone row
is rejected the same way.

Imported customers are local-only: ``paysimple_id`` is NULL and ``origin`` is ``import`` (see ``models``).
They get a PaySimple id when created there from the counter, or when a sync finds a PaySimple customer with
the same account number.

Each batch of rows (``batch_size``) is one transaction: good rows of committed batches are kept if the import
is cancelled or fails later. ``progress(done_lines, total_lines)`` after each batch; ``cancel.is_set()`` is
checked before each batch. The report file (CSV: line, status, reason, name) is written to ``report_path`` or
to ``<data dir>/import-reports/<file>-<time>-report.csv``, always, so the user can open it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pos_app.customers import index
from pos_app.customers.directory import Batch, Directory
from pos_app.customers.models import CustomerRecord
from pos_app.customers.normalize import account_key, fold, phone_key
from pos_app.paysimple.rules import validate_address, validate_customer
from pos_app.private_files import private_file

BATCH_SIZE = 1000
MAX_RECORD_LINES = 20  # a quoted field may hold line breaks, but not more than this many

SYNONYMS: dict[str, tuple[str, ...]] = {
    "first_name": ("firstname", "first", "givenname", "forename", "fname", "christianname", "customerfirstname"),
    "last_name": ("lastname", "last", "surname", "familyname", "lname", "customerlastname"),
    "full_name": ("name", "fullname", "customername", "customer", "contactname", "displayname", "clientname"),
    "middle_name": ("middlename", "middle", "middleinitial", "mi"),
    "company": ("company", "companyname", "business", "businessname", "organization", "organisation", "org",
                "employer"),
    "email": ("email", "emailaddress", "mail", "primaryemail", "emailaddress1", "email1"),
    "alt_email": ("altemail", "alternateemail", "email2", "secondaryemail", "otheremail", "emailaddress2"),
    "phone": ("phone", "phonenumber", "telephone", "tel", "telephonenumber", "homephone", "primaryphone", "phone1",
              "daytimephone", "contactnumber"),
    "mobile_phone": ("mobile", "mobilephone", "mobilenumber", "cell", "cellphone", "cellular", "cellnumber"),
    "alt_phone": ("altphone", "alternatephone", "phone2", "otherphone", "workphone", "businessphone",
                  "secondaryphone"),
    "fax": ("fax", "faxnumber"),
    "customer_account": ("account", "accountnumber", "accountno", "accountid", "customeraccount",
                         "customernumber", "customerno", "customerid", "loyalty", "loyaltynumber", "loyaltyno",
                         "loyaltycard", "loyaltyid", "loyaltycardnumber", "membernumber", "memberid", "memberno",
                         "barcode", "rewardsnumber", "rewards", "rewardsid", "clientid", "clientnumber"),
    "street1": ("address", "address1", "addressline1", "street", "streetaddress", "street1", "billingaddress",
                "billingaddress1", "billingstreet", "streetaddress1"),
    "street2": ("address2", "addressline2", "street2", "apt", "suite", "unit", "billingaddress2",
                "streetaddress2"),
    "city": ("city", "town", "billingcity", "locality"),
    "state_code": ("state", "statecode", "province", "region", "st", "billingstate", "stateprovince"),
    "zip_code": ("zip", "zipcode", "postalcode", "postcode", "zip5", "billingzip", "billingzipcode",
                 "billingpostalcode"),
    "country": ("country", "countrycode", "billingcountry"),
    "notes": ("notes", "note", "comments", "comment", "remarks"),
}
_FIELD_BY_HEADER = {syn: name for name, syns in SYNONYMS.items() for syn in syns}
_LABELS = {"first_name": "First Name", "last_name": "Last Name", "full_name": "Name"}
_NEVER = re.compile(r"card|cvv|cvc|pan$|routing|bankaccount|ssn|password|pin$")  # never import these


class CsvImportError(ValueError):
    """The whole file is refused; nothing was imported."""


class CsvColumnsError(CsvImportError):
    def __init__(self, missing: list[str], found: list[str]) -> None:
        self.missing = missing
        self.found = found
        shown = ", ".join(repr(h) for h in found) or "(none)"
        super().__init__(f"The file has no column for {' and '.join(missing)} (or one 'Name' column). "
                         f"Columns found: {shown}. Nothing was imported.")


@dataclass(frozen=True)
class RowProblem:
    line: int  # physical line in the file, header = 1
    status: str  # "rejected" | "warning"
    reason: str
    name: str = ""


@dataclass
class ImportReport:
    source: Path
    report_path: Path | None = None
    encoding: str = "utf-8"
    mapping: dict[str, str] = field(default_factory=dict)  # our field → the file's header
    rows: int = 0  # data rows read
    imported: int = 0  # new local-only customers
    updated: int = 0  # earlier imports changed by this file
    unchanged: int = 0  # earlier imports already identical
    already_in_paysimple: int = 0  # matched a PaySimple customer: left to PaySimple
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False

    @property
    def rejected(self) -> list[RowProblem]:
        return [p for p in self.problems if p.status == "rejected"]


def header_key(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def map_columns(headers: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """(field → column index, ignored headers, notes)."""
    mapping: dict[str, int] = {}
    ignored, notes = [], []
    for i, header in enumerate(headers):
        key = header_key(header)
        name = _FIELD_BY_HEADER.get(key)
        if name is None or _NEVER.search(key):
            if header.strip():
                ignored.append(header.strip())
            continue
        if name in mapping:
            notes.append(f"Column {header.strip()!r} ignored: {headers[mapping[name]].strip()!r} is already "
                         f"used for {name.replace('_', ' ')}.")
            continue
        mapping[name] = i
    if not ({"first_name", "last_name"} <= mapping.keys() or "full_name" in mapping):
        missing = [_LABELS[f] for f in ("first_name", "last_name") if f not in mapping]
        raise CsvColumnsError(missing, [h for h in headers if h.strip()])
    return mapping, ignored, notes


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding used, notes). Never raises."""
    notes: list[str] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16", notes
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        text, encoding = data.decode("cp1252", errors="replace"), "cp1252"
        line = data.count(b"\n", 0, exc.start) + 1
        notes.append(f"The file is not UTF-8 (first non-UTF-8 byte on line {line}); it was read as "
                     "Windows-1252 (cp1252). Check accented names; save the file as UTF-8 to be sure.")
        if "\ufffd" in text:
            notes.append("Some bytes are not Windows-1252 either; they were replaced by \ufffd.")
    if "\x00" in text:
        text = text.replace("\x00", "")
        notes.append("NUL bytes in the file were removed.")
    return text, encoding, notes


def _dialect(header_line: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(header_line, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _records(lines: list[str], start: int, dialect, width: int):
    """Yield (line number, fields | None, problem) for data lines from ``start`` (0-based index)."""
    i = start
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        j = i
        text = line
        while text.count('"') % 2 == 1 and j + 1 < len(lines) and j - i < MAX_RECORD_LINES:
            j += 1
            text += "\n" + lines[j]
        fields, problem = None, None
        if text.count('"') % 2 == 1:
            problem = "broken quoting: a quoted field is never closed"
        else:
            try:
                rows = list(csv.reader(io.StringIO(text), dialect, strict=True))
            except csv.Error as exc:
                rows, problem = [], f"broken quoting: {exc}"
            if problem is None and len(rows) != 1:
                problem = "broken quoting: the line does not form one record"
            elif problem is None:
                fields = rows[0]
                extra = [f for f in fields[width:] if f.strip()]
                if j > i and len(fields) != width:  # a real multi-line record has every field
                    problem, fields = "broken quoting: a quote runs into the following lines", None
                elif extra:
                    problem, fields = f"has {len(fields)} fields, the header has {width}", None
        if problem is not None and j > i:
            yield i + 1, None, problem
            i += 1  # contain the damage: the next line is read on its own
            continue
        yield i + 1, fields, problem
        i = j + 1


def import_csv(directory: Directory, path: Path | str, progress: Callable[[int, int], None] | None = None,
               cancel=None, report_path: Path | str | None = None, batch_size: int = BATCH_SIZE) -> ImportReport:
    path = Path(path)
    report = ImportReport(source=path)
    text, report.encoding, report.notes = decode(path.read_bytes())
    lines = re.split(r"\r\n|\n|\r", text)
    header_at = next((n for n, line in enumerate(lines) if line.strip()), None)
    if header_at is None:
        raise CsvImportError("The file is empty: there is no header line. Nothing was imported.")
    dialect = _dialect(lines[header_at])
    headers = next(csv.reader([lines[header_at]], dialect))
    columns, ignored, notes = map_columns(headers)
    report.mapping = {f: headers[i].strip() for f, i in columns.items()}
    report.notes += notes
    if ignored:
        report.notes.append(f"Columns not imported: {', '.join(ignored)}.")
    total = sum(1 for line in lines[header_at + 1:] if line.strip())
    seen = _SeenInFile()
    pending: list[tuple[int, CustomerRecord, str | None]] = []
    done = 0
    try:
        for line_no, fields, problem in _records(lines, header_at + 1, dialect, len(headers)):
            done += 1
            report.rows += 1
            if problem is not None:
                report.problems.append(RowProblem(line_no, "rejected", problem))
            else:
                row = _row(fields, columns, line_no, report, seen)
                if row is not None:
                    pending.append((line_no, *row))
            if len(pending) >= batch_size:
                if cancel is not None and cancel.is_set():
                    report.cancelled = True
                    break
                _write(directory, pending, report)
                pending = []
                if progress is not None:
                    progress(done, total)
        if pending and not report.cancelled:
            if cancel is not None and cancel.is_set():
                report.cancelled = True
            else:
                _write(directory, pending, report)
        if report.cancelled:
            report.notes.append(f"Cancelled after {report.rows - len(pending)} rows; rows before that were kept.")
        elif progress is not None:
            progress(total, total)
    finally:
        directory.finish_indexing()
        report.report_path = _write_report(report, report_path)
    return report


class _SeenInFile:
    def __init__(self) -> None:
        self.accounts: dict[str, int] = {}
        self.people: dict[tuple[str, str], int] = {}


def _row(fields: list[str], columns: dict[str, int], line_no: int, report: ImportReport,
         seen: _SeenInFile) -> tuple[CustomerRecord, str | None] | None:
    def get(name: str) -> str | None:
        i = columns.get(name)
        if i is None or i >= len(fields):
            return None
        value = fields[i].strip()
        return value or None

    first, last, middle = get("first_name"), get("last_name"), get("middle_name")
    if (not first or not last) and get("full_name"):
        split = split_full_name(get("full_name") or "")
        first, middle, last = first or split[0], middle or split[1], last or split[2]
    display = " ".join(p for p in (first, last) if p)
    phones = {}
    for name in ("phone", "mobile_phone", "alt_phone", "fax"):
        raw = get(name)
        if raw and any(ch.isdigit() for ch in raw):
            phones[name] = phone_key(raw)
        elif raw and raw.lower() not in ("n/a", "na", "none", "-", "--"):
            phones[name] = raw  # letters only: let the rules say what is wrong with it
    email = get("email")
    alt_email = get("alt_email")
    body = {"FirstName": first, "LastName": last, "MiddleName": middle, "Company": get("company"),
            "CustomerAccount": get("customer_account"), "Email": email, "AltEmail": alt_email,
            "Phone": phones.get("phone"), "AltPhone": phones.get("alt_phone"),
            "MobilePhone": phones.get("mobile_phone"), "Fax": phones.get("fax")}
    messages = validate_customer(body)
    if messages:
        reason = " ".join(_shown(m.message, body.get(m.field)) for m in messages)
        report.problems.append(RowProblem(line_no, "rejected", reason, display))
        return None
    address = {"StreetAddress1": get("street1"), "StreetAddress2": get("street2"), "City": get("city"),
               "StateCode": get("state_code"), "ZipCode": get("zip_code"), "Country": get("country")}
    if address["StateCode"] and len(address["StateCode"]) == 2:
        address["StateCode"] = address["StateCode"].upper()
    if address["Country"] and len(address["Country"]) == 2:
        address["Country"] = address["Country"].upper()
    if any(address.values()):
        address_problems = validate_address(address, "BillingAddress")
        if address_problems:
            report.problems.append(RowProblem(
                line_no, "warning", "Imported, but PaySimple will not accept this billing address until it is "
                "completed: " + " ".join(m.message for m in address_problems), display))
    account = account_key(body["CustomerAccount"])
    if account:
        if account in seen.accounts:
            report.problems.append(RowProblem(
                line_no, "rejected", f"Duplicate account number {body['CustomerAccount']} "
                f"(first on line {seen.accounts[account]}).", display))
            return None
        seen.accounts[account] = line_no
    else:
        keys = _person_keys(first or "", last or "", email, alt_email, phones)
        earlier = next((seen.people[k] for k in keys if k in seen.people), None)
        if earlier is not None:
            report.problems.append(RowProblem(
                line_no, "rejected", f"Same person as line {earlier} (same name and email or phone).", display))
            return None
        for k in keys:
            seen.people[k] = line_no
    record = CustomerRecord(
        first_name=first or "", last_name=last or "", paysimple_id=None, middle_name=middle,
        company=body["Company"], customer_account=body["CustomerAccount"], email=email, alt_email=alt_email,
        phone=body["Phone"], alt_phone=body["AltPhone"], mobile_phone=body["MobilePhone"], fax=body["Fax"],
        street1=address["StreetAddress1"], street2=address["StreetAddress2"], city=address["City"],
        state_code=address["StateCode"], zip_code=address["ZipCode"], country=address["Country"])
    return record, get("notes")


def _shown(message: str, value) -> str:
    if isinstance(value, str) and value and len(value) <= 60:
        return f"{message} (was {value!r})"
    return message


def split_full_name(text: str) -> tuple[str | None, str | None, str | None]:
    """(first, middle, last) from "Smith, John Q" or "John Q Smith"."""
    if "," in text:
        last, _, rest = text.partition(",")
        parts = rest.split()
        return (parts[0] if parts else None, " ".join(parts[1:]) or None, last.strip() or None)
    parts = text.split()
    if len(parts) == 1:
        return None, None, parts[0]
    return parts[0], " ".join(parts[1:-1]) or None, parts[-1]


def _person_keys(first: str, last: str, email: str | None, alt_email: str | None,
                 phones: dict[str, str]) -> list[tuple[str, str]]:
    name = f"{fold(first)}|{fold(last)}"
    keys = [(name, index.EMAIL + index.email_entry(e)) for e in (email, alt_email) if e]
    keys += [(name, index.PHONE + p) for k, p in phones.items() if k != "fax" and p]
    return keys


def _write(directory: Directory, rows: list[tuple[int, CustomerRecord, str | None]], report: ImportReport) -> None:
    with directory.write() as con:
        batch = Batch()
        notes: list[tuple[str, int]] = []
        new_notes: list[str | None] = []
        for _line, record, note in rows:
            match = _existing(directory, con, record)
            if match is None:
                batch.inserts.append((record, "import"))
                new_notes.append(note)
                report.imported += 1
            elif match.paysimple_id is not None:
                report.already_in_paysimple += 1
            elif match.same_as(record):
                report.unchanged += 1
            else:
                batch.updates.append((match, record))
                report.updated += 1
                if note:
                    notes.append((note, match.id))
        ids = directory.apply(con, batch)
        notes += [(note, cid) for note, cid in zip(new_notes, ids, strict=False) if note]
        con.executemany("UPDATE customers SET local_notes = ? WHERE id = ?", notes)


def _existing(directory: Directory, con, record: CustomerRecord):
    account = account_key(record.customer_account)
    if account:
        ids = directory.ids_by_key(index.ACCOUNT + account, con)
        rows = directory.old_rows(con, f"id IN ({','.join('?' * len(ids))})", ids) if ids else []
        return min(rows, key=lambda r: (r.paysimple_id is None, r.id)) if rows else None
    phones = {"phone": phone_key(record.phone), "mobile_phone": phone_key(record.mobile_phone),
              "alt_phone": phone_key(record.alt_phone)}
    name = index.name_prefix(record.first_name, record.last_name)
    for _, key in _person_keys(record.first_name, record.last_name, record.email, record.alt_email, phones):
        ids = directory.ids_by_key(key, con)
        if ids:
            rows = [r for r in directory.old_rows(con, f"id IN ({','.join('?' * len(ids))}) AND deleted = 0", ids)
                    if r.words.startswith(name)]
            if rows:
                return min(rows, key=lambda r: (r.paysimple_id is None, r.id))
    return None


def _write_report(report: ImportReport, report_path: Path | str | None) -> Path | None:
    if report_path is None:
        from pos_app.config import app_paths

        folder = app_paths().ensure().data_dir / "import-reports"
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        report_path = folder / f"{report.source.stem}-{stamp}-report.csv"
    path = Path(report_path)
    private_file(path)  # reports name customers: 0600 in a 0700 folder
    with path.open("w", encoding="utf-8-sig", newline="") as out:  # BOM: Excel opens it as UTF-8
        writer = csv.writer(out)
        writer.writerow(["line", "status", "reason", "name"])
        for note in report.notes:
            writer.writerow(["", "note", note, ""])
        writer.writerow(["", "summary", f"{report.rows} rows read: {report.imported} imported, {report.updated} "
                         f"updated, {report.unchanged} already imported, {report.already_in_paysimple} already in "
                         f"PaySimple, {len(report.rejected)} rejected", ""])
        for p in sorted(report.problems, key=lambda p: p.line):
            writer.writerow([p.line, p.status, p.reason, p.name])
    return path

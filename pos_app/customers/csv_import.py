"""CSV import for stores moving from another POS: files as people have them, strict rows, a report they can open.

``import_csv(store, path, progress=None, cancel=None, report_path=None, batch_size=BATCH_SIZE) -> ImportReport``

Columns are found by header name, compared lower-case with spaces and punctuation removed, through a table of
synonyms ("First Name", "first_name", "Given name" → first name; "Phone Number", "Tel" → phone; "Mobile",
"Cell" → mobile; "E-mail" → email; "Loyalty #", "Account", "Member ID", "Barcode" → account number...). A
single "Name" / "Customer Name" column is split ("Smith, John" or "John Q Smith"). Unknown columns are
ignored and listed in the report. Without first + last name (or a full name) column the file is refused
with ``CsvColumnsError`` naming what is missing, and nothing is imported. "Card Number" style columns are
never mapped: card numbers must not enter the customer list.

Encoding (a first pass over the bytes, constant memory): UTF-8 with or without BOM, UTF-16 with a BOM or
recognisably without one (every other byte NUL) are read as such; anything else is read as Windows-1252
(undefined bytes become U+FFFD) and the report says so. NUL bytes are not removed: a row holding one is
rejected like any other control character.

Quoting (docs/decisions/0146): RFC 4180, as Excel and Python's ``csv`` module write it: a field may be quoted
with ``"``; inside quotes a quote is doubled (``""``) and commas, semicolons, tabs and line breaks are data.
So a field written ``"Robert ""Bob""`` plus its closing quote reads ``Robert "Bob"``, and a quoted field
spanning lines is one field. What RFC 4180
forbids is refused per row with a clear "broken quoting" reason, never guessed: a quote inside a field that
does not start with one, text after a closing quote, a quote that is never closed. The delimiter (comma,
semicolon, tab or pipe; or Excel's ``sep=;`` first line) is decided from a sample of the first lines, not
the header alone: the one that gives the header more than one column and the most sample records with the
header's number of fields. Broken quoting is contained: a record may span lines only while a quote is open,
for at most ``MAX_RECORD_LINES`` lines, and it must then form exactly one record with the header's number of
fields; otherwise its first line is reported and reading resumes on the next line, so a stray quote costs
one row.

Limits (docs/decisions/0147): a header line longer than ``MAX_RECORD_CHARS`` (128 KiB) refuses the file
(``CsvImportError`` with a report); a data record (its lines together) longer than that is rejected as
"too long" and read past in bounded pieces, never held whole.

Rows are checked with PaySimple's own rules (``pos_app.paysimple.rules.validate_customer``) after phones
are reduced to digits (a leading country code 1 dropped): a row that PaySimple would refuse is reported with
its line number and reason, and not imported. Every imported field (notes excepted: line breaks and tabs are
allowed there) refuses control, bidi and invisible format characters (``text_safety``, decision 0140); a
column that is not imported but holds control characters other than TAB/LF/CR marks the row as damaged
(binary data) and rejects it too. Rows imported within ``DAMAGE_REACH`` lines after such a row get a warning
in the report (binary data without any control character cannot be told from a name in an unusual script).
U+FFFD (bytes the decoder could not read) is allowed and visible. An
incomplete billing address (PaySimple needs street, city and ZIP together) does not reject the customer: the
row is imported and the report carries a warning.

Duplicates — decision: a row is the same customer as an existing one when
1. it has an account / loyalty number and a customer has the same number (compared as letters and digits,
   case-insensitive); otherwise
2. it has the same folded first + last name AND the same email, or the same name and the same phone.
A match with a local-only customer (an earlier import) updates that row; a match with a PaySimple customer
leaves it alone (PaySimple is the authority; counted as ``already_in_paysimple``). So importing the same file
twice creates nothing the second time. Inside one file, a second row with an account number already used on
an earlier line is rejected ("duplicate account number, first on line N"); a repeated name+email/phone row
is rejected the same way. The store applies the rules to each batch (``CustomerStore.import_batch``, rules
written once in ``plan``), so they hold on every backend.

Imported customers are local-only: ``paysimple_id`` is NULL and ``origin`` is ``import`` (see ``models``).
They get a PaySimple id when created there from the counter, or when a sync finds a PaySimple customer with
the same account number.

Batches, progress, cancel, memory: every ``batch_size`` records read, good or bad, the good ones are written in
one transaction (kept if the import is cancelled or fails later), ``progress(lines_read, total_lines)`` is
called (lines after the header; the total is counted in the first pass) and ``cancel.is_set()`` is checked.
The file is read line by line and every problem goes straight to the report file, so memory does not grow
with the file's size (``ImportReport.problems`` keeps the first ``KEPT_PROBLEMS``; the counts are complete).

The report (CSV: line, status, reason, name) is written to ``report_path`` or to
``<data dir>/import-reports/<file>-<time>-report.csv``, always, also when the file is refused (the exception
carries ``report_path``). Users open it in a spreadsheet, so every cell goes through
``text_safety.spreadsheet_cell`` (a cell starting with = + - @ TAB or CR gets a leading '; control characters
→ U+FFFD).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pos_app.customers.models import MIRRORED, CustomerRecord
from pos_app.customers.normalize import account_key, fold, phone_key
from pos_app.customers.plan import person_keys
from pos_app.customers.store import CustomerStore, ImportRow
from pos_app.i18n_keys import N_, joined
from pos_app.paysimple.rules import validate_address, validate_customer
from pos_app.private_files import private_file
from pos_app.text_safety import describe, first_unsafe, spreadsheet_cell

BATCH_SIZE = 1000
MAX_RECORD_LINES = 20  # a quoted field may hold line breaks, but not more than this many
MAX_RECORD_CHARS = 128 * 1024  # a header or one data record (all its lines); csv's own field limit is the same
KEPT_PROBLEMS = 200  # problems kept in ImportReport.problems; all of them are in the report file
SAMPLE_LINES, SAMPLE_CHARS = 200, 256 * 1024  # what the delimiter is decided from
DELIMITERS = ",;\t|"
_CHUNK = 1 << 20

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
    """The whole file is refused; nothing was imported. ``report_path``: the report saying why (or None)."""

    report_path: Path | None = None


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
    delimiter: str = ","
    mapping: dict[str, str] = field(default_factory=dict)  # our field → the file's header
    rows: int = 0  # data rows read
    imported: int = 0  # new local-only customers
    updated: int = 0  # earlier imports changed by this file
    unchanged: int = 0  # earlier imports already identical
    already_in_paysimple: int = 0  # matched a PaySimple customer: left to PaySimple
    problems: list[RowProblem] = field(default_factory=list)  # the first KEPT_PROBLEMS (all are in the file)
    rejected_count: int = 0
    warning_count: int = 0
    notes: list[str] = field(default_factory=list)
    cancelled: bool = False

    @property
    def rejected(self) -> list[RowProblem]:
        """The rejected rows among the kept problems (``rejected_count`` counts them all)."""
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


# --- pass 1: encoding and line count (bytes, constant memory) -----------------------------------------------

_CP1252_UNDEFINED = re.compile(b"[\x81\x8d\x8f\x90\x9d]")


@dataclass
class _Scan:
    encoding: str  # a Python codec name
    shown: str  # what the report calls it
    lines: int  # physical lines (LF, CRLF or CR terminated; a last unterminated line counts)
    notes: list[str]


def _utf16_without_bom(head: bytes) -> str | None:
    pairs = len(head) // 2
    if pairs < 4:
        return None
    even = head[0:pairs * 2:2].count(0)
    odd = head[1:pairs * 2:2].count(0)
    if odd >= 0.4 * pairs and even <= 0.05 * pairs:
        return "utf-16-le"
    if even >= 0.4 * pairs and odd <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _count_lines(chunks: Iterator[str | bytes], lf, cr) -> int:
    """Physical lines as ``io.TextIOWrapper(newline="")`` splits them."""
    count, last, pending_cr = 0, None, False
    for chunk in chunks:
        if not chunk:
            continue
        count += chunk.count(lf) + chunk.count(cr) - chunk.count(cr + lf)
        if pending_cr and chunk[:1] == lf:
            count -= 1  # a CRLF split between two chunks
        pending_cr = chunk[-1:] == cr
        last = chunk[-1:]
    if last is not None and last not in (lf, cr):
        count += 1
    return count


def _byte_chunks(path: Path, skip: int = 0) -> Iterator[bytes]:
    with path.open("rb") as f:
        f.seek(skip)
        while chunk := f.read(_CHUNK):
            yield chunk


def scan_encoding(path: Path) -> _Scan:
    """Decide the encoding and count the lines, reading the file once in 1 MiB pieces."""
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _scan_text(path, "utf-16", "utf-16", [])
    guess = _utf16_without_bom(head)
    if guess:
        return _scan_text(path, guess, guess, [f"The file has no byte order mark but looks like {guess.upper()}; "
                                               "it was read as such."])
    skip = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, lines_before = skip, 0
    try:
        for chunk in _byte_chunks(path, skip):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                bad = max(exc.start - len(decoder.getstate()[0]), 0)
                raise _NotUtf8(lines_before + chunk.count(b"\n", 0, bad) + 1) from None
            offset += len(chunk)
            lines_before += chunk.count(b"\n")
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return _cp1252(path, lines_before + 1)
    except _NotUtf8 as exc:
        return _cp1252(path, exc.line)
    return _Scan("utf-8-sig" if skip else "utf-8", "utf-8", _count_lines(_byte_chunks(path, skip), b"\n", b"\r"), [])


class _NotUtf8(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


def _cp1252(path: Path, line: int) -> _Scan:
    notes = [f"The file is not UTF-8 (first non-UTF-8 byte on line {line}); it was read as Windows-1252 "
             "(cp1252). Check accented names; save the file as UTF-8 to be sure."]
    if any(_CP1252_UNDEFINED.search(chunk) for chunk in _byte_chunks(path)):
        notes.append("Some bytes are not Windows-1252 either; they were replaced by \ufffd.")
    return _Scan("cp1252", "cp1252", _count_lines(_byte_chunks(path), b"\n", b"\r"), notes)


def _scan_text(path: Path, encoding: str, shown: str, notes: list[str]) -> _Scan:
    def texts() -> Iterator[str]:
        with path.open("r", encoding=encoding, errors="replace", newline="") as f:
            while chunk := f.read(_CHUNK):
                yield chunk

    return _Scan(encoding, shown, _count_lines(texts(), "\n", "\r"), notes)


# --- pass 2: physical lines, bounded --------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Line:
    number: int  # 1-based physical line
    text: str | None  # with its line ending; None when longer than the limit (not kept)
    length: int


class _Lines:
    """Physical lines of a text stream, each at most ``limit`` characters kept; longer ones are read past in
    pieces and come back as ``text=None`` with their length. Lines can be pushed back (re-read)."""

    def __init__(self, stream: io.TextIOBase, limit: int) -> None:
        self.stream, self.limit = stream, limit
        self.number = 0
        self.pushed: deque[_Line] = deque()

    def next(self) -> _Line | None:
        if self.pushed:
            return self.pushed.popleft()
        text = self.stream.readline(self.limit + 1)
        if not text:
            return None
        self.number += 1
        if len(text) <= self.limit or text.endswith(("\n", "\r")):
            return _Line(self.number, text, len(text))
        length = len(text)
        while not text.endswith(("\n", "\r")):
            text = self.stream.readline(_CHUNK)
            if not text:
                break
            length += len(text)
        return _Line(self.number, None, length)

    def push_back(self, lines: list[_Line]) -> None:
        self.pushed.extendleft(reversed(lines))


# --- dialect ----------------------------------------------------------------------------------------------

_SEP_LINE = re.compile(r"^sep=(.)\s*$", re.IGNORECASE)


def _reader_options(delimiter: str) -> dict:
    return {"delimiter": delimiter, "quotechar": '"', "doublequote": True, "skipinitialspace": False,
            "strict": True}


def choose_delimiter(sample: list[str]) -> str:
    """The delimiter that gives the header (first non-blank record) more than one column and the most sample
    records with the header's number of fields; ties go to the earlier of , ; TAB |."""
    lines = [line for line in sample if line.strip()]
    best, best_score = ",", (False, -1, 0)
    for delimiter in DELIMITERS:
        options = {**_reader_options(delimiter), "strict": False}
        counts: list[int] = []
        try:
            for row in csv.reader(lines, **options):
                counts.append(len(row))
        except csv.Error:
            pass  # the sample may end inside a quoted field
        if not counts:
            continue
        width = counts[0]
        score = (width > 1, sum(1 for c in counts[1:] if c == width), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _record_pattern(delimiter: str) -> re.Pattern[str]:
    d = re.escape(delimiter)
    one = f'(?:"(?:[^"]|"")*"|[^"{d}\\r\\n]*)'
    return re.compile(f"{one}(?:{d}{one})*(?:\\r\\n|\\n|\\r)?")


# --- records ----------------------------------------------------------------------------------------------

LINE_TOO_LONG = N_("CsvImport", "Line is too long: %1 characters, and a customer record has at most %2; it was not "
                                 "read (is this a customer list?)")
RECORD_TOO_LONG = N_("CsvImport", "The record is too long: %1 characters, and a customer record has at most %2; it "
                                  "was not read (is this a customer list?)")
UNCLOSED = N_("CsvImport", "broken quoting: a quoted field is never closed (a quote inside a quoted field must be "
                           "doubled: \"\")")
AFTER_QUOTE = N_("CsvImport", "broken quoting: text after a closing quote (a quote inside a quoted field must be "
                              "doubled: \"\")")
STRAY = N_("CsvImport", "broken quoting: a quote inside a field that does not start with one (put the whole field "
                        "in quotes and double the quote inside it: \"Robert \"\"Bob\"\"\")")
BROKEN_QUOTING = N_("CsvImport", "broken quoting: %1")
NOT_ONE_RECORD = N_("CsvImport", "broken quoting: the line does not form one record")
RUNS_ON = N_("CsvImport", "broken quoting: a quote runs into the following lines")
FIELD_COUNT = N_("CsvImport", "has %1 fields, the header has %2")
UNREADABLE = N_("CsvImport", "unreadable")
NO_HEADER = N_("CsvImport", "The file is empty: there is no header line. Nothing was imported.")
HEADER_TOO_LONG = N_("CsvImport", "The first line (the header, line %1) is %2 characters long; a header line has at "
                                  "most %3. This does not look like a customer list with a header line (check that "
                                  "the file is a CSV export and that its lines are separated). Nothing was imported.")
HEADER_UNREADABLE = N_("CsvImport", "The header line (line %1) cannot be read: %2. Nothing was imported.")
UNSAFE_COLUMN = N_("CsvImport", "Column %1 contains a control or invisible formatting character, %2, at character "
                                "%3: remove it and type the text again.")
BINARY_COLUMN = N_("CsvImport", "Column %1 (not imported) holds binary data (%2 at character %3): the line is "
                                "damaged.")
WAS = N_("CsvImport", "%1 (was %2)")
ADDRESS_INCOMPLETE = N_("CsvImport", "Imported, but PaySimple will not accept this billing address until it is "
                                     "completed: %1")
DUPLICATE_ACCOUNT = N_("CsvImport", "Duplicate account number %1 (first on line %2).")
SAME_PERSON = N_("CsvImport", "Same person as line %1 (same name and email or phone).")
NEAR_DAMAGE = N_("CsvImport", "Imported, but line %1 just before it holds binary data (control characters): part of "
                              "the file may be damaged; check that this customer is real.")


@dataclass(frozen=True, slots=True)
class _Record:
    first: int  # its first physical line
    last: int  # its last physical line
    fields: list[str] | None
    problem: str | None
    blank: bool = False


def _records(lines: _Lines, delimiter: str, width: int | None) -> Iterator[_Record]:
    """Records from ``lines`` (``width`` None: the header, any number of fields)."""
    options = _reader_options(delimiter)
    pattern = _record_pattern(delimiter)
    while (first := lines.next()) is not None:
        if first.text is None:
            yield _Record(first.number, first.number, None,
                          LINE_TOO_LONG.fill(f"{first.length:,}", f"{MAX_RECORD_CHARS:,}"))
            continue
        if not first.text.strip():
            yield _Record(first.number, first.number, None, None, blank=True)
            continue
        parts, size, problem, rows = [first], first.length, None, None
        while True:
            try:
                rows = list(csv.reader([p.text for p in parts], **options))
                break
            except csv.Error as exc:
                message = str(exc)
                if message.startswith("unexpected end of data"):  # a quote is still open
                    following = lines.next() if len(parts) < MAX_RECORD_LINES else None
                    if following is not None and following.text is not None and \
                            size + following.length <= MAX_RECORD_CHARS:
                        parts.append(following)
                        size += following.length
                        continue
                    if following is not None:
                        lines.push_back([following])
                    problem = UNCLOSED
                elif "field larger than field limit" in message:
                    problem = RECORD_TOO_LONG.fill(f"{size:,}", f"{MAX_RECORD_CHARS:,}")
                elif "expected after" in message:
                    problem = AFTER_QUOTE
                else:
                    problem = BROKEN_QUOTING.fill(message)
                break
        fields = None
        if problem is None:
            text = "".join(p.text for p in parts)
            if len(rows) != 1:
                problem = NOT_ONE_RECORD
            elif '"' in text and not pattern.fullmatch(text):
                problem = STRAY
            else:
                fields = rows[0]
                if width is not None and len(parts) > 1 and len(fields) != width:
                    problem, fields = RUNS_ON, None
                elif width is not None and any(f.strip() for f in fields[width:]):
                    problem, fields = FIELD_COUNT.fill(len(fields), width), None
        if problem is not None and len(parts) > 1:
            lines.push_back(parts[1:])  # contain the damage: the next line is read on its own
            yield _Record(first.number, first.number, None, problem)
            continue
        yield _Record(first.number, parts[-1].number, fields, problem)


# --- the import ---------------------------------------------------------------------------------------------

class _ReportWriter:
    """Problems streamed to a side file as they happen; ``finish`` writes the report: header, notes,
    summary, then every problem (copied in pieces)."""

    def __init__(self, report: ImportReport, path: Path) -> None:
        self.report, self.path = report, path
        self.side_path = path.with_name(path.name + ".problems.part")
        private_file(self.side_path)  # reports name customers: 0600 in a 0700 folder (decision 0205)
        private_file(path)
        self.side = self.side_path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.side)

    def add(self, problem: RowProblem) -> None:
        report = self.report
        if problem.status == "rejected":
            report.rejected_count += 1
        else:
            report.warning_count += 1
        if len(report.problems) < KEPT_PROBLEMS:
            report.problems.append(problem)
        self.writer.writerow(_cells([problem.line, problem.status, problem.reason, problem.name]))

    def finish(self) -> Path:
        report = self.report
        self.side.close()
        try:
            with self.path.open("w", encoding="utf-8-sig", newline="") as out:  # BOM: Excel opens it as UTF-8
                writer = csv.writer(out)
                writer.writerow(["line", "status", "reason", "name"])
                for note in report.notes:
                    writer.writerow(_cells(["", "note", note, ""]))
                writer.writerow(_cells(["", "summary", summary_line(report), ""]))
                with self.side_path.open("r", encoding="utf-8", newline="") as side:
                    shutil.copyfileobj(side, out, _CHUNK)
        finally:
            self.side_path.unlink(missing_ok=True)
        return self.path


def _cells(row: list) -> list:
    return [spreadsheet_cell(cell) for cell in row]


def summary_line(report: ImportReport) -> str:
    return (f"{report.rows} rows read: {report.imported} imported, {report.updated} updated, {report.unchanged} "
            f"already imported, {report.already_in_paysimple} already in PaySimple, {report.rejected_count} "
            "rejected")


def default_report_path(source: Path) -> Path:
    from pos_app.config import app_paths

    folder = app_paths().ensure().data_dir / "import-reports"
    return folder / f"{source.stem}-{datetime.now().strftime('%Y%m%d-%H%M%S')}-report.csv"


def import_csv(store: CustomerStore, path: Path | str, progress: Callable[[int, int], None] | None = None,
               cancel=None, report_path: Path | str | None = None, batch_size: int = BATCH_SIZE) -> ImportReport:
    path = Path(path)
    report = ImportReport(source=path)
    scan = scan_encoding(path)
    report.encoding, report.notes = scan.shown, list(scan.notes)
    out = _ReportWriter(report, Path(report_path) if report_path is not None else default_report_path(path))
    try:
        with path.open("r", encoding=scan.encoding, errors="replace", newline="") as stream:
            with store.bulk():
                _import(store, _Lines(stream, MAX_RECORD_CHARS), scan.lines, report, out, progress, cancel,
                        batch_size)
    except CsvImportError as exc:
        report.notes.insert(0, f"The file was refused: {exc}")
        exc.report_path = report.report_path = out.finish()
        raise
    except BaseException:
        report.report_path = out.finish()
        raise
    report.report_path = out.finish()
    return report


def _header(lines: _Lines, report: ImportReport) -> tuple[str, list[str], int]:
    """(delimiter, header fields, the header's last line). Reads a sample and pushes it back."""
    sample: list[_Line] = []
    size = 0
    while len(sample) < SAMPLE_LINES and size < SAMPLE_CHARS and (line := lines.next()) is not None:
        sample.append(line)
        size += line.length
    texts = [line for line in sample if line.text is None or line.text.strip()]
    if not texts:
        raise CsvImportError(NO_HEADER)
    first = texts[0]
    if first.text is None:
        raise CsvImportError(HEADER_TOO_LONG.fill(first.number, f"{first.length:,}", f"{MAX_RECORD_CHARS:,}"))
    sep = _SEP_LINE.match(first.text)
    lines.push_back(sample)
    if sep:  # Excel's "sep=;" directive
        while (line := lines.next()) is not None and line is not first:
            pass
        delimiter = sep.group(1)
        report.notes.append(f"The file names its delimiter ({delimiter!r}) on its first line.")
    else:
        delimiter = choose_delimiter([line.text for line in sample if line.text is not None])
    for record in _records(lines, delimiter, None):
        if record.blank:
            continue
        if record.fields is None:
            raise CsvImportError(HEADER_UNREADABLE.fill(record.first, record.problem))
        return delimiter, record.fields, record.last
    raise CsvImportError(NO_HEADER)


def _import(store: CustomerStore, lines: _Lines, total_lines: int, report: ImportReport, out: _ReportWriter,
            progress, cancel, batch_size: int) -> None:
    delimiter, headers, header_last = _header(lines, report)
    report.delimiter = delimiter
    columns, ignored, notes = map_columns(headers)
    report.mapping = {f: headers[i].strip() for f, i in columns.items()}
    report.notes += notes
    if ignored:
        report.notes.append(f"Columns not imported: {', '.join(ignored)}.")
    unmapped = [(i, h.strip() or f"column {i + 1}") for i, h in enumerate(headers) if i not in columns.values()]
    total = max(total_lines - header_last, 0)
    seen = _SeenInFile()
    pending: list[tuple[int, CustomerRecord, str | None]] = []
    in_batch = 0
    for record in _records(lines, delimiter, len(headers)):
        done = record.last - header_last
        if record.blank:
            continue
        report.rows += 1
        in_batch += 1
        if record.fields is None:
            out.add(RowProblem(record.first, "rejected", record.problem or UNREADABLE))
        else:
            row = _row(record.fields, columns, unmapped, record.first, out, seen)
            if row is not None:
                pending.append((record.first, *row))
        if in_batch >= batch_size:
            if cancel is not None and cancel.is_set():
                report.cancelled = True
                break
            _write(store, pending, report)
            pending, in_batch = [], 0
            if progress is not None:
                progress(min(done, total), total)
    if not report.cancelled:
        if cancel is not None and cancel.is_set():
            report.cancelled = True
        else:
            _write(store, pending, report)
            pending = []
    if report.cancelled:
        report.notes.append(f"Cancelled after {report.rows - in_batch} rows; rows before that were kept.")
    elif progress is not None:
        progress(total, total)


class _SeenInFile:
    def __init__(self) -> None:
        self.accounts: dict[str, int] = {}
        self.people: dict[tuple[str, str], int] = {}
        self.damaged_line = 0  # the last line rejected for control characters (binary data)


DAMAGE_REACH = 50  # lines after a line with binary data whose imported rows get a warning


_MULTILINE_FIELDS = frozenset({"notes"})
_BINARY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # controls but TAB, LF, CR


def _unsafe_reason(fields: list[str], columns: dict[str, int], headers_unmapped: list[tuple[int, str]],
                   headers: dict[int, str]) -> str | None:
    for name, i in columns.items():
        if i < len(fields):
            value = fields[i].strip()
            unsafe = first_unsafe(value, multiline=name in _MULTILINE_FIELDS)
            if unsafe:
                return UNSAFE_COLUMN.fill(repr(headers[i]), describe(unsafe[1]), unsafe[0] + 1)
    for i, header in headers_unmapped:
        if i < len(fields) and (match := _BINARY.search(fields[i])):
            return BINARY_COLUMN.fill(repr(header), describe(match.group()), match.start() + 1)
    return None


def _row(fields: list[str], columns: dict[str, int], unmapped: list[tuple[int, str]], line_no: int,
         out: _ReportWriter, seen: _SeenInFile) -> tuple[CustomerRecord, str | None] | None:
    report = out.report

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
    unsafe = _unsafe_reason(fields, columns, unmapped, {i: report.mapping.get(f, f) for f, i in columns.items()})
    if unsafe is not None:
        out.add(RowProblem(line_no, "rejected", unsafe, display))
        seen.damaged_line = line_no
        return None
    phones = {}
    for name in ("phone", "mobile_phone", "alt_phone", "fax"):
        raw = get(name)
        if raw and any(ch.isdigit() for ch in raw):
            phones[name] = phone_key(raw)
        elif raw and raw.lower() not in ("n/a", "na", "none", "-", "--"):
            phones[name] = raw  # letters only: let the rules say what is wrong with it
    email = get("email")
    alt_email = get("alt_email")
    given = {"first_name": first, "last_name": last, "middle_name": middle, "email": email, "alt_email": alt_email,
             **{name: phones.get(name) for name in ("phone", "mobile_phone", "alt_phone", "fax")}}
    body = {f.key: given[f.name] if f.name in given else get(f.name) for f in MIRRORED if not f.address}
    messages = validate_customer(body)
    if messages:
        reason = joined([_shown(m.message, body.get(m.field)) for m in messages])
        out.add(RowProblem(line_no, "rejected", reason, display))
        return None
    address = {f.key: get(f.name) for f in MIRRORED if f.address}
    if address["StateCode"] and len(address["StateCode"]) == 2:
        address["StateCode"] = address["StateCode"].upper()
    if address["Country"] and len(address["Country"]) == 2:
        address["Country"] = address["Country"].upper()
    if any(address.values()):
        address_problems = validate_address(address, "BillingAddress")
        if address_problems:
            out.add(RowProblem(
                line_no, "warning", ADDRESS_INCOMPLETE.fill(joined([m.message for m in address_problems])), display))
    account = account_key(body["CustomerAccount"])
    if account:
        if account in seen.accounts:
            out.add(RowProblem(line_no, "rejected", DUPLICATE_ACCOUNT.fill(body["CustomerAccount"],
                                                                           seen.accounts[account]), display))
            return None
        seen.accounts[account] = line_no
    else:
        keys = person_keys(first or "", last or "", email, alt_email, phones)
        earlier = next((seen.people[k] for k in keys if k in seen.people), None)
        if earlier is not None:
            out.add(RowProblem(line_no, "rejected", SAME_PERSON.fill(earlier), display))
            return None
        for k in keys:
            seen.people[k] = line_no
    if seen.damaged_line and line_no - seen.damaged_line <= DAMAGE_REACH:
        out.add(RowProblem(line_no, "warning", NEAR_DAMAGE.fill(seen.damaged_line), display))
    values = {**body, **address}  # PaySimple keys (validated above); first and last name are present
    record = CustomerRecord(paysimple_id=None, **{f.name: values[f.key] for f in MIRRORED})
    return record, get("notes")


def _shown(message: str, value) -> str:
    if isinstance(value, str) and value and len(value) <= 60 and first_unsafe(value) is None:
        return WAS.fill(message, repr(value))
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


def _write(store: CustomerStore, rows: list[tuple[int, CustomerRecord, str | None]], report: ImportReport) -> None:
    if not rows:
        return
    counts = store.import_batch([ImportRow(record, note) for _line, record, note in rows])
    report.imported += counts.imported
    report.updated += counts.updated
    report.unchanged += counts.unchanged
    report.already_in_paysimple += counts.already_in_paysimple

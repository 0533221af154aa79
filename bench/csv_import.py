"""CSV import of a file of bad rows: time, peak memory, report size. Prints one JSON line.

    python bench/csv_import.py --mb 50            # issue 15: 50 MB of bad rows, peak memory under 200 MiB
    python bench/csv_import.py --mb 5 --trace     # + tracemalloc's peak (slower; the tests use it)

The file is written first (streamed), then imported in this process into a fresh directory. Rows cycle
through five kinds of bad row: a missing last name, a bad email, a quote never closed (which makes the
reader look ahead ``MAX_RECORD_LINES`` lines, the costliest case), a control character in a name, a phone
with too many digits. ``--good`` writes valid, distinct customers instead.
``peak_rss_mib`` is this process's peak resident size (``VmHWM`` of /proc/self/status: Python, SQLite and the
import together; ``ru_maxrss`` where there is no /proc — but on Linux that one keeps the high-water mark of the
process that started this one across exec, so a bench started from a big test process read that process's size);
``rss_before_mib`` is that figure before the import started.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pos_app.customers.csv_import import import_csv  # noqa: E402
from pos_app.customers.directory import Directory  # noqa: E402

BAD = (
    lambda i: f"Ann{i},,ann{i}@example.com,,missing last name\n",
    lambda i: f"Bob{i},Lee{i},not-an-email-{i},,bad email\n",
    lambda i: f'Cy{i},"Broken{i},x{i}@example.com,,quote never closed\n',
    lambda i: f"Di\x01{i},Lee,d{i}@example.com,,control character\n",
    lambda i: f"Ed{i},Lee{i},e{i}@example.com,303-555-0100-9999,phone too long\n",
)


def write_file(path: Path, size: int, good: bool) -> int:
    rows = written = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("First Name,Last Name,Email,Phone,Notes\n")
        while written < size:
            line = (f"Person{rows},Family{rows % 997},p{rows}@example.com,,good\n" if good
                    else BAD[rows % len(BAD)](rows))
            f.write(line)
            written += len(line)
            rows += 1
    return rows


def peak_rss_mib() -> float:
    """This process's own peak resident size in MiB (see the module docstring)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50.0)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--good", action="store_true")
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pos-csv-bench-") as folder:
        source = Path(folder) / "customers.csv"
        rows = write_file(source, int(args.mb * 1_000_000), args.good)
        directory = Directory(Path(folder) / "directory.db")
        progress_calls = []
        rss_before = peak_rss_mib()
        if args.trace:
            tracemalloc.start()
        start = time.perf_counter()
        report = import_csv(directory, source, progress=lambda d, t: progress_calls.append(d),
                            report_path=Path(folder) / "report.csv", batch_size=args.batch_size)
        seconds = time.perf_counter() - start
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if args.trace else None
        result = {
            "mb": round(source.stat().st_size / 1e6, 1), "rows_written": rows, "rows": report.rows,
            "imported": report.imported, "rejected": report.rejected_count, "warnings": report.warning_count,
            "seconds": round(seconds, 2), "rows_per_s": round(report.rows / seconds),
            "progress_calls": len(progress_calls), "rss_before_mib": round(rss_before, 1),
            "peak_rss_mib": round(peak_rss_mib(), 1),
            "traced_peak_mib": round(traced, 2) if traced is not None else None,
            "report_mib": round(report.report_path.stat().st_size / 2**20, 1),
        }
        directory.close()
    print(json.dumps(result))


if __name__ == "__main__":
    main()

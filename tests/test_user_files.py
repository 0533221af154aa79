"""Files a person saves where they choose (``private_files.write_user_file`` / ``copy_user_file``, decision
0353): 0600, whole or not at all, the chosen folder never created or changed. Real files, real modes, a real
"disk full" (a file size limit in a child process)."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pos_app.private_files import copy_user_file, write_user_file

ROOT = Path(__file__).resolve().parents[1]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture
def documents(tmp_path):
    previous = os.umask(0o022)  # a desktop session's umask: new files would be 0644
    folder = tmp_path / "Documents"
    folder.mkdir()
    os.chmod(folder, 0o755)
    yield folder
    os.umask(previous)


def test_a_saved_file_is_private_and_the_folder_is_left_as_it_is(documents):
    saved = write_user_file(documents / "End of day 2026-12-05 LANE1.csv", b"section,group\r\n")
    assert saved.read_bytes() == b"section,group\r\n" and mode(saved) == 0o600
    assert mode(documents) == 0o755 and [p.name for p in documents.iterdir()] == [saved.name]  # no temp left


def test_saving_over_an_older_file_replaces_it_whole(documents):
    old = documents / "Receipt.pdf"
    old.write_bytes(b"old")
    os.chmod(old, 0o644)
    write_user_file(old, b"%PDF-new")
    assert old.read_bytes() == b"%PDF-new" and mode(old) == 0o600
    assert sorted(p.name for p in documents.iterdir()) == ["Receipt.pdf"]


def test_a_folder_that_went_away_is_named_and_not_made(documents):
    stick = documents.parent / "USB-STICK"   # chosen in the dialog, then the stick was taken out
    with pytest.raises(FileNotFoundError) as err:
        write_user_file(stick / "Receipt.pdf", b"%PDF")
    assert err.value.filename == str(stick) and not stick.exists()


def test_a_folder_with_the_name_is_refused_and_kept(documents):
    (documents / "Receipt.pdf").mkdir()
    (documents / "Receipt.pdf" / "inside.txt").write_text("keep")
    with pytest.raises(IsADirectoryError):
        write_user_file(documents / "Receipt.pdf", b"%PDF")
    assert (documents / "Receipt.pdf" / "inside.txt").read_text() == "keep"
    assert sorted(p.name for p in documents.iterdir()) == ["Receipt.pdf"]


def test_a_link_planted_under_the_name_is_replaced_not_followed(documents, tmp_path):
    target = tmp_path / "bashrc"
    target.write_text("export PATH=/usr/bin\n")
    (documents / "Receipt.pdf").symlink_to(target)
    write_user_file(documents / "Receipt.pdf", b"%PDF")
    assert target.read_text() == "export PATH=/usr/bin\n"
    assert not (documents / "Receipt.pdf").is_symlink() and (documents / "Receipt.pdf").read_bytes() == b"%PDF"


DISK_FULL = """
import os, resource, signal, sys
from pathlib import Path
from pos_app.private_files import write_user_file, copy_user_file
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)        # the write fails with EFBIG instead of killing us
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
target, how = Path(sys.argv[1]), sys.argv[2]
try:
    if how == "bytes":
        write_user_file(target, b"x" * 100_000)
    else:
        copy_user_file(Path(sys.argv[3]), target)
except OSError as exc:
    print("errno", exc.errno)
else:
    print("saved")
"""


@pytest.mark.parametrize("how", ["bytes", "copy"])
def test_a_full_disk_leaves_the_older_file_and_no_half_file(documents, tmp_path, how):
    old = documents / "Import report.csv"
    old.write_text("line,status\n2,imported\n")
    source = tmp_path / "report.csv"
    source.write_bytes(b"line,status,reason,name\r\n" * 5000)   # larger than the disk has room for
    out = subprocess.run([sys.executable, "-c", DISK_FULL, str(old), how, str(source)], capture_output=True,
                         text=True, timeout=60, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert out.stdout.split() == ["errno", str(errno.EFBIG)], out.stderr
    assert old.read_text() == "line,status\n2,imported\n"
    assert sorted(p.name for p in documents.iterdir()) == ["Import report.csv"]


def test_a_copy_is_streamed_whole_and_private(documents, tmp_path):
    source = tmp_path / "data" / "import-reports" / "old-register-report.csv"
    source.parent.mkdir(parents=True)
    body = b"".join(b"%d,rejected,bad e-mail,Person %d\r\n" % (i, i) for i in range(200_000))  # ~6 MB
    source.write_bytes(body)
    copy = copy_user_file(source, documents / "Import report 2026-12-05 1432 old-register.csv")
    assert copy.read_bytes() == body and mode(copy) == 0o600 and mode(documents) == 0o755


def test_a_copy_of_a_report_that_is_gone_writes_nothing(documents, tmp_path):
    with pytest.raises(FileNotFoundError):
        copy_user_file(tmp_path / "gone.csv", documents / "Import report.csv")
    assert list(documents.iterdir()) == []

"""A throwaway PostgreSQL cluster for tests and benchmarks: Debian's server binaries, a temporary folder, a free
loopback port, removed afterwards. Never a mock.

Contract:
- ``PgCluster.start()`` runs ``initdb`` + ``pg_ctl start`` from ``/usr/lib/postgresql/<newest>/bin`` (or
  ``POS_PG_BIN``). PostgreSQL refuses to run as root: as root the folder is handed to the ``postgres`` system user
  and every server command runs as that user (``runuser``); otherwise as the current user.
- The server listens on 127.0.0.1 only (a free port) and on a Unix socket inside its own folder; TCP needs the
  password (scram-sha-256), the socket is trust for the folder's owner. ``dsn`` is a libpq URI for TCP.
- ``durable=False`` (tests) turns off fsync and full-page writes: a killed or ``stop("immediate")``-ed server still
  recovers every committed transaction (the OS keeps the writes), only a power cut could lose them.
  Benchmarks use ``durable=True`` (the server's defaults) so their figures mean what a store would see.
- ``stop(mode)`` / ``restart(mode)`` for fault tests ("immediate" is a crash as far as clients are concerned);
  ``remove()`` stops the server and deletes the folder. Also a context manager.
- ``available()`` says whether the binaries exist; ``why_unavailable()`` says what to install.
- ``require()`` is how a test asks for PostgreSQL: it returns when the server can run, else fails the test under
  ``POS_REQUIRE_POSTGRES=1`` (``scripts/pos.sh test``, CI) and skips it otherwise. Tests never skip on
  ``why_unavailable()`` themselves (tests/storage/test_pg_cluster.py checks), so a missing server can never
  pass unnoticed where it is required.

No pytest import at module level: ``bench/`` uses it too.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bin_dir() -> Path | None:
    env = os.environ.get("POS_PG_BIN")
    if env:
        return Path(env)
    root = Path("/usr/lib/postgresql")
    if not root.is_dir():
        return None
    versions = sorted((p for p in root.iterdir() if (p / "bin" / "initdb").exists()),
                      key=lambda p: int(p.name) if p.name.isdigit() else 0)
    return versions[-1] / "bin" if versions else None


def available() -> bool:
    return why_unavailable() is None


def why_unavailable() -> str | None:
    b = _bin_dir()
    if b is None or not (b / "initdb").exists() or not (b / "pg_ctl").exists():
        return ("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin/initdb): "
                "as root, apt-get install postgresql (bash scripts/pos.sh test does it)")
    if os.geteuid() == 0:
        try:
            import pwd
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root but there is no 'postgres' system user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root but 'runuser' is missing (util-linux)"
    return None


def require() -> None:
    """For tests: return when PostgreSQL can run here; otherwise fail the calling test under
    ``POS_REQUIRE_POSTGRES=1`` and skip it without (the reason says what to install)."""
    why = why_unavailable()
    if why is None:
        return
    import pytest

    if os.environ.get("POS_REQUIRE_POSTGRES") == "1":
        pytest.fail(why)
    pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self, *, durable: bool = False, base_dir: str | None = None) -> None:
        self.durable = durable
        self._base_dir = base_dir
        self.folder: Path | None = None
        self.port: int | None = None
        self.user = "postgres"
        self.password = secrets.token_urlsafe(18)
        self.bin = _bin_dir()
        self._as_root = os.geteuid() == 0

    # ------------------------------------------------------------------ commands
    def _run(self, args: list[str], *, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self._as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "LC_ALL": "C.UTF-8", "TZ": "UTC"})

    @property
    def data(self) -> Path:
        assert self.folder is not None
        return self.folder / "data"

    @property
    def dsn(self) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/postgres"

    def dsn_for(self, dbname: str) -> str:
        return f"postgresql://{self.user}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    # ------------------------------------------------------------------ life cycle
    def start(self) -> PgCluster:
        why = why_unavailable()
        if why:
            raise RuntimeError(why)
        self.folder = Path(tempfile.mkdtemp(prefix="pos-pg-", dir=self._base_dir))
        pwfile = self.folder / "pw"
        pwfile.write_text(self.password + "\n")
        if self._as_root:
            import pwd
            pw = pwd.getpwnam("postgres")
            os.chown(self.folder, pw.pw_uid, pw.pw_gid)
            os.chown(pwfile, pw.pw_uid, pw.pw_gid)
        os.chmod(pwfile, 0o600)
        self._run(["initdb", "-D", str(self.data), "-U", self.user, "--pwfile", str(pwfile), "-E", "UTF8",
                   "--auth-local=trust", "--auth-host=scram-sha-256", "--no-instructions"], timeout=120)
        pwfile.unlink()
        self.port = _free_port()
        self._start_server()
        return self

    def _start_server(self, attempts: int = 3) -> None:
        opts = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-k {self.folder}",
                "-c max_connections=120", "-c log_min_messages=warning"]
        if not self.durable:
            opts += ["-c fsync=off", "-c full_page_writes=off"]
        for i in range(attempts):
            res = self._run(["pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w",
                             "-t", "60", "-o", " ".join(opts), "start"], check=False, timeout=90)
            if res.returncode == 0:
                return
            if i + 1 < attempts:  # the port may have been taken meanwhile: pick another
                self.port = _free_port()
                opts[0] = f"-p {self.port}"
        raise RuntimeError(f"PostgreSQL did not start: {res.stdout[-500:]} {res.stderr[-500:]} "
                           f"{self.log_tail()}")

    def log_tail(self, chars: int = 2000) -> str:
        with contextlib.suppress(OSError):
            if self.folder is not None:
                return (self.folder / "server.log").read_text(errors="replace")[-chars:]
        return ""

    def stop(self, mode: str = "fast") -> None:
        if self.folder is None or not self.data.exists():
            return
        self._run(["pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"], check=False, timeout=90)

    def restart(self, mode: str = "fast") -> None:
        """Stops (``immediate`` = crash as far as clients can tell) and starts again on the same port."""
        self.stop(mode)
        self._start_server()

    def running(self) -> bool:
        if self.folder is None or not self.data.exists():
            return False
        return self._run(["pg_ctl", "-D", str(self.data), "status"], check=False).returncode == 0

    def create_database(self, name: str) -> str:
        """Creates database ``name`` (letters, digits, underscore) and returns its DSN."""
        if not name.replace("_", "").isalnum():
            raise ValueError(f"database name {name!r}: letters, digits and underscores only")
        self._run(["psql", "-h", str(self.folder), "-p", str(self.port), "-U", self.user, "-d", "postgres",
                   "-v", "ON_ERROR_STOP=1", "-q", "-c", f'CREATE DATABASE "{name}"'])
        return self.dsn_for(name)

    def remove(self) -> None:
        if self.folder is None:
            return
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def __enter__(self) -> PgCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.remove()


def wait_until_accepting(dsn: str, timeout: float = 30.0) -> None:
    """Blocks until a connection to ``dsn`` succeeds (after a restart) or raises the last error."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        try:
            psycopg.connect(dsn, connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)

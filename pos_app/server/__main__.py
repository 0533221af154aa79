"""``pos-app-server``: set up and run a store's server.

    pos-app-server init --data DIR [--database sqlite|postgresql://…] [--paysimple sandbox|live|URL]
                        [--host 0.0.0.0] [--port 8443] [--name HOST …]
    pos-app-server run --data DIR [--host H] [--port P] [--plain-http]
    pos-app-server enroll-code --data DIR [--lane LANE2]
    pos-app-server revoke-lane --data DIR LANE
    pos-app-server lanes --data DIR

``init`` asks for the first manager's name and PIN and for PaySimple's API user and key on the terminal (or
reads them, one per line, from standard input): a PIN or key on the command line would sit in the shell's
history and in every process listing. It writes the data folder (0700), the settings, the key file (0600), the
TLS certificate and key, the database (SQLite files, or the schema in a PostgreSQL database) and the clerk
file with that manager. ``run`` serves HTTPS; ``--plain-http`` is for this machine only (it binds loopback and is
refused on any other address). Exit codes: 0 ok, 1 failed (the message says why), 2 refused usage.
"""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import logging
import sys
from pathlib import Path

from pos_app.config import API_BASE_URLS, Environment
from pos_app.server.config import (
    DEFAULT_PORT,
    ConfigError,
    PaySimpleAccess,
    ServerPaths,
    ServerSettings,
    load_settings,
    save_access,
    save_settings,
)

log = logging.getLogger("pos_app.server")


class Prompt:
    """Answers from the terminal (PINs and keys not echoed) or, when standard input is not a terminal, one
    line each from it."""

    def __init__(self, stream=None) -> None:
        self.stream = stream or sys.stdin
        self.tty = self.stream.isatty()

    def ask(self, question: str, secret: bool = False) -> str:
        if self.tty:
            return (getpass.getpass(question) if secret else input(question)).strip()
        print(question, file=sys.stderr, flush=True)
        line = self.stream.readline()
        if not line:
            raise ConfigError(f"No answer on standard input for: {question.strip()}")
        return line.rstrip("\r\n").strip()


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _paysimple_url(choice: str) -> str:
    if choice in ("sandbox", "live"):
        return API_BASE_URLS[Environment(choice)]
    if choice.startswith(("https://", "http://")):
        return choice.rstrip("/")
    raise ConfigError("--paysimple must be sandbox, live or the API's URL (ending in /v4).")


def cmd_init(args, prompt: Prompt) -> int:
    from pos_app.clerks import ClerkError, Role, validate_pin
    from pos_app.server.service import open_clerks
    from pos_app.server.tls import default_names, make_certificate

    paths = ServerPaths(Path(args.data).resolve())
    if paths.settings.exists():
        print(f"{paths.data_dir} is set up already (server.json exists): nothing was changed.", file=sys.stderr)
        return 2
    url = _paysimple_url(args.paysimple)
    names = args.name or default_names()
    settings = ServerSettings(database=args.database, host=args.host, port=args.port, names=names)
    manager = prompt.ask("First manager's name: ")
    pin = prompt.ask("Manager PIN (6-8 digits): ", secret=True)
    again = prompt.ask("The same PIN again: ", secret=True)
    if pin != again:
        print("The two PINs differ: nothing was set up. Run init again.", file=sys.stderr)
        return 1
    try:
        validate_pin(pin, Role.MANAGER)
    except ClerkError as exc:
        print(f"{exc} Nothing was set up.", file=sys.stderr)
        return 1
    user = prompt.ask("PaySimple API user: ")
    key = prompt.ask("PaySimple API key: ", secret=True)
    if not manager or not user or not key:
        print("A manager name, an API user and an API key are needed: nothing was set up.", file=sys.stderr)
        return 1
    paths.ensure()
    # The database first: a DSN that does not work stops here, before any file is written.
    from pos_app.server.db import open_db

    db = open_db(settings.database, paths.data_dir)
    db.close()
    if settings.database == "sqlite":
        from pos_app.payments import Journal

        Journal(paths.journal).close()
    else:
        from pos_app.payments.journal_pg import PgJournal

        PgJournal(settings.database).close()
    from pos_app.server.customers import ServerCustomers

    ServerCustomers.open(paths.directory, paths.search_copy, settings.database).close()
    clerks = open_clerks(paths, settings.database)
    try:
        clerks.add(manager, pin, Role.MANAGER, by=None)
    finally:
        clerks.close()
    fingerprint = make_certificate(paths.cert, paths.key, names)
    save_access(paths, PaySimpleAccess(url, user, key))
    save_settings(paths, settings)  # last: its presence means "set up"
    from pos_app.serverlink.pinning import pretty

    print(f"Store server set up in {paths.data_dir}.")
    print(f"Certificate fingerprint (SHA-256): {pretty(fingerprint)}")
    print(f"Next: pos-app-server run --data {paths.data_dir}, then pos-app-server enroll-code for each counter.")
    return 0


def cmd_run(args) -> int:
    import uvicorn

    from pos_app.server.app import make_app
    from pos_app.server.service import StoreServer

    paths = ServerPaths(Path(args.data).resolve())
    settings = load_settings(paths)
    host = args.host or settings.host
    port = args.port if args.port is not None else settings.port
    if args.plain_http and not is_loopback(host):
        print(f"Plain HTTP is for this machine only (loopback): --plain-http with --host {host} is refused. "
              "Serve HTTPS (without --plain-http), or bind 127.0.0.1.", file=sys.stderr)
        return 2
    server = StoreServer.open(paths)
    try:
        server.start()
        app = make_app(server, plain_http=args.plain_http)
        options = {} if args.plain_http else {"ssl_certfile": str(paths.cert), "ssl_keyfile": str(paths.key)}
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                                timeout_graceful_shutdown=5, **options)
        scheme = "http" if args.plain_http else "https"
        print(f"pos-app store server on {scheme}://{host}:{port} (certificate {server.fingerprint[:16]}…)",
              flush=True)
        uvicorn.Server(config).run()
    finally:
        server.close()
    return 0


def _records(paths: ServerPaths):
    from pos_app.server.db import open_db
    from pos_app.server.records import ServerRecords

    return ServerRecords(open_db(load_settings(paths).database, paths.data_dir))


def cmd_enroll_code(args) -> int:
    from datetime import UTC, datetime, timedelta

    from pos_app.server.records import ServerRecords  # noqa: F401 (typing)
    from pos_app.server.tls import certificate_fingerprint
    from pos_app.serverlink import enrollment
    from pos_app.serverlink.pinning import pretty

    paths = ServerPaths(Path(args.data).resolve())
    settings = load_settings(paths)
    if args.lane is not None and not enrollment.LANE_NAME_RE.fullmatch(args.lane):
        print("A lane name is 1-20 letters, digits or '_' (e.g. LANE2).", file=sys.stderr)
        return 2
    records = _records(paths)
    try:
        now = datetime.now(UTC)
        while True:
            code = enrollment.new_code()
            code_id, secret = enrollment.split(code)
            if records.code(code_id) is None:
                break
        record = records.add_code(code_id, enrollment.code_key(secret), args.lane, "pos-app-server", now,
                                  now + timedelta(seconds=settings.code_ttl_s))
    finally:
        records.db.close()
    print(f"Enrollment code: {enrollment.pretty(code)}")
    print(f"For lane: {record.lane or 'any (the counter names itself)'}; valid until "
          f"{record.expires_at.astimezone().strftime('%Y-%m-%d %H:%M')}; works once.")
    print(f"Server certificate (SHA-256): {pretty(certificate_fingerprint(paths.cert))}")
    return 0


def cmd_revoke(args) -> int:
    from datetime import UTC, datetime

    from pos_app.server.records import Refused

    records = _records(ServerPaths(Path(args.data).resolve()))
    try:
        records.revoke_lane(args.lane, "pos-app-server", datetime.now(UTC))
    except Refused as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        records.db.close()
    print(f"Lane {args.lane} revoked: its credential no longer works and its clerk sessions ended.")
    return 0


def cmd_lanes(args) -> int:
    records = _records(ServerPaths(Path(args.data).resolve()))
    try:
        for lane in records.lanes():
            state = f"revoked {lane.revoked_at:%Y-%m-%d %H:%M}" if lane.revoked_at else "active"
            print(f"{lane.name}\t{state}\tenrolled {lane.enrolled_at:%Y-%m-%d %H:%M} by {lane.enrolled_by}")
    finally:
        records.db.close()
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pos-app-server", description="The store server for pos-app counters.")
    sub = p.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="set up a data folder (asks for the manager and the PaySimple key)")
    init.add_argument("--data", required=True)
    init.add_argument("--database", default="sqlite", help="sqlite (files in the data folder) or a PostgreSQL DSN")
    init.add_argument("--paysimple", default="sandbox", help="sandbox, live, or the API's URL")
    init.add_argument("--host", default="0.0.0.0")
    init.add_argument("--port", type=int, default=DEFAULT_PORT)
    init.add_argument("--name", action="append", help="a host name or address for the certificate (repeatable)")
    run = sub.add_parser("run", help="serve the store's counters")
    run.add_argument("--data", required=True)
    run.add_argument("--host")
    run.add_argument("--port", type=int)
    run.add_argument("--plain-http", action="store_true", help="no TLS: loopback only (tests, a proxy on this host)")
    code = sub.add_parser("enroll-code", help="a one-time code a counter enrolls with")
    code.add_argument("--data", required=True)
    code.add_argument("--lane", help="the lane the code is for (default: the counter names itself)")
    revoke = sub.add_parser("revoke-lane", help="stop a counter's credential")
    revoke.add_argument("--data", required=True)
    revoke.add_argument("lane")
    lanes = sub.add_parser("lanes", help="list enrolled lanes")
    lanes.add_argument("--data", required=True)
    return p


def main(argv: list[str] | None = None) -> int:
    from pos_app.private_files import use_private_umask

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    use_private_umask()
    args = parser().parse_args(argv)
    try:
        if args.command == "init":
            return cmd_init(args, Prompt())
        if args.command == "run":
            return cmd_run(args)
        if args.command == "enroll-code":
            return cmd_enroll_code(args)
        if args.command == "revoke-lane":
            return cmd_revoke(args)
        return cmd_lanes(args)
    except (ConfigError, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - storage faults and the like: their message names the next step
        from pos_app.storage_errors import StorageError

        if isinstance(exc, StorageError):
            print(str(exc), file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())

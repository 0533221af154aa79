"""A payment journal that cannot be written, on real files and the real training gateway over TCP.

Where the failure happens decides what the clerk may be told (decision 0493):
- the attempt's own journal writes (before POST /payment) fail → ``NotSent``: nothing went to PaySimple,
  certain, and the gateway's own records agree;
- a journal write after the POST was sent fails → the ``StorageError`` itself: the outcome is not recorded
  (not known until the attempt is looked up), never "not charged";
- a read-only journal FILE (its folder writable) is said to be the file, not the folder, and opening such a
  journal fails at once (the counter's start), not at the first charge.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from pos_app.payments import Journal, NotSent, PaymentService, State
from pos_app.paysimple.gateway import PaySimpleGateway
from pos_app.storage_errors import Fault, StorageError, What
from tests.fixtures.payments import make_service, new_shopper, payments_at_gateway
from tests.storage_faults import fill, read_only_file, read_only_folder, small_disk


def _no_unknown_words(text: str) -> None:
    lowered = text.lower()
    assert "not known" not in lowered and "do not charge again" not in lowered


def _checkpoint(path) -> None:
    """Fold the WAL into the file and cut it to 0 bytes: the next journal write needs new disk space."""
    import sqlite3

    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    finally:
        con.close()


def test_a_journal_that_cannot_record_the_attempt_stops_the_charge_before_anything_is_sent(tmp_path, gateway,
                                                                                           client, caplog):
    """A running counter whose disk fills up: the attempt's first write fails, so nothing is sent."""
    shopper = new_shopper(client)
    with small_disk(tmp_path / "disk", "512k") as disk:
        path = disk / "journal.db"
        j = Journal(path)
        try:
            service = make_service(j, client, gateway)
            first = service.charge(shopper.customer, shopper.card, Decimal("5.00"), "clerk1")
            assert first.state is State.APPROVED  # positive control: the same journal and gateway charge
            _checkpoint(path)
            filler = fill(disk)
            with caplog.at_level(logging.ERROR, logger="pos_app.payments.service"):
                with pytest.raises(NotSent) as caught:
                    service.charge(shopper.customer, shopper.card, Decimal("4.00"), "clerk1")
            exc = caught.value
            assert exc.attempt is None  # not even the attempt could be written
            storage = exc.storage
            assert isinstance(storage, StorageError) and storage.fault is Fault.DISK_FULL
            assert storage.what is What.JOURNAL and storage.path == path
            text = str(exc)
            assert text.startswith(f"Not charged: The payment journal ({path}) cannot be written")
            assert text.endswith("Nothing was sent to PaySimple.") and "Free some space" in text
            _no_unknown_words(text)
            # The training gateway's own records: only the first payment; the 4.00 never reached it.
            assert [p.amount for p in payments_at_gateway(client, shopper.customer.id)] == [Decimal("5.00")]
            assert [a.amount_cents for a in j.history(limit=None)] == [500]
            assert j.open_attempt("LANE1") is None  # the lane is free: nothing is waiting to be checked
            # One ERROR line for support: the fault and the file, no card data.
            lines = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
            assert len(lines) == 1, lines
            assert str(path) in lines[0] and "disk_full" in lines[0] and "LANE1" in lines[0]
            assert "1111" not in lines[0]
            # Space again: the same charge goes through on the same service (it was never sent).
            filler.unlink()
            again = service.charge(shopper.customer, shopper.card, Decimal("4.00"), "clerk1")
            assert again.state is State.APPROVED
            amounts = sorted(p.amount for p in payments_at_gateway(client, shopper.customer.id))
            assert amounts == [Decimal("4.00"), Decimal("5.00")]
        finally:
            j.close()


class _DiskFillsUpAfterSending(PaySimpleGateway):
    """The real adapter; right after PaySimple answered POST /payment the journal's disk fills up (a real
    tmpfs, its WAL cut to 0 bytes first), so the attempt's next transition is the first write that fails."""

    def __init__(self, client, path) -> None:
        super().__init__(client)
        self._path, self.filler = path, None

    def create_payment(self, request):
        payment = super().create_payment(request)
        _checkpoint(self._path)
        self.filler = fill(self._path.parent)
        return payment


def test_a_journal_write_that_fails_after_the_payment_was_sent_stays_not_known(tmp_path, gateway, client, caplog):
    shopper = new_shopper(client)
    with small_disk(tmp_path / "disk", "512k") as disk:
        path = disk / "journal.db"
        j = Journal(path)
        try:
            adapter = _DiskFillsUpAfterSending(client, path)
            service = PaymentService(j, adapter, "LANE1", clock=gateway.clock.now)
            service.reconcile_unresolved()
            with caplog.at_level(logging.ERROR, logger="pos_app.payments.service"):
                with pytest.raises(StorageError) as caught:
                    service.charge(shopper.customer, shopper.card, Decimal("7.00"), "clerk1")
            assert not isinstance(caught.value, NotSent)  # it was sent: never "not charged"
            assert caught.value.fault is Fault.DISK_FULL and caught.value.path == path
            # PaySimple has the payment; the journal still says "sending": look it up, never charge again.
            sent = payments_at_gateway(client, shopper.customer.id)
            assert [p.amount for p in sent] == [Decimal("7.00")]
            [attempt] = j.history(limit=None)
            assert attempt.state is State.SENDING and sent[0].order_id == attempt.id
            lines = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
            assert any(attempt.id in line and str(path) in line and "was sent" in line for line in lines), lines
            # Space again: the look-up finds the payment (no second charge).
            adapter.filler.unlink()
            service.reconcile_unresolved()
            assert j.get(attempt.id).state is State.APPROVED
            assert len(payments_at_gateway(client, shopper.customer.id)) == 1
        finally:
            j.close()


def test_opening_a_journal_whose_file_is_read_only_fails_at_once_naming_the_file(tmp_path):
    path = tmp_path / "data" / "journal.db"
    with Journal(path):
        pass
    before = path.read_bytes()
    with read_only_file(path) as how:
        with pytest.raises(StorageError) as caught:
            Journal(path)
    exc = caught.value
    assert exc.fault is Fault.READ_ONLY and exc.what is What.JOURNAL and exc.path == path, how
    assert exc.read_only_file == path
    text = str(exc)
    assert f"The payment journal ({path}) cannot be written: the file {path} is read-only." in text
    assert f"Make the file {path} writable" in text and "Make the folder" not in text
    assert path.read_bytes() == before
    with Journal(path) as j:  # writable again: it opens (the check wrote nothing)
        assert j.history() == []


def test_a_read_only_folder_is_still_said_to_be_the_folder(tmp_path):
    data = tmp_path / "data"
    with Journal(data / "journal.db"):
        pass
    with read_only_folder(data):
        with pytest.raises(StorageError) as caught:
            Journal(data / "journal.db")
    assert caught.value.fault is Fault.READ_ONLY and caught.value.read_only_file is None
    assert f"Make the folder {data} writable" in str(caught.value)


def test_opening_a_writable_journal_changes_nothing(tmp_path):
    path = tmp_path / "journal.db"
    with Journal(path):
        pass
    wal = path.with_name("journal.db-wal")
    before = (path.read_bytes(), wal.read_bytes() if wal.exists() else b"")
    with Journal(path):
        pass
    after = (path.read_bytes(), wal.read_bytes() if wal.exists() else b"")
    assert after == before

"""A counter whose copy of the store's customers is still filling page by page holds half of them (and a bulk
load's rows become searchable only when it ends), so until the copy has caught up once the
counter asks the server and says it is loading (``customers_loading``); the mark is kept in the copy, so a
copy that caught up yesterday answers at once (also offline) and a copy cut short does not.

A real server process (TLS, SQLite), the training gateway as PaySimple; the follower is the real one, held
after its first page by the test (the only stand-in: a slow network)."""

from __future__ import annotations

import threading
import uuid

import pytest

from pos_app.counter.remote import RemoteCounter
from pos_app.counter.replica import ReplicaFollower
from pos_app.customers.models import CustomerRecord
from pos_app.serverlink.client import StoreLink, Timeouts, enroll
from tests.fixtures.server import CLERK, new_code, until
from tests.server.test_replica import open_counter

pytestmark = pytest.mark.slow


class HeldAfterFirstPage(ReplicaFollower):
    """The real follower; its third feed request waits for ``release`` (a page still on the wire). The catch-up
    asks for the next page while it writes the last one, so by then the first page is written or being written."""

    def __init__(self, *args, **kw) -> None:
        super().__init__(*args, **kw)
        self.release, self.holding = threading.Event(), threading.Event()
        self._asked = 0

    def _ask(self, after: int, wait: int):
        self._asked += 1
        if self._asked == 3:
            self.holding.set()
            self.release.wait(30)
        return super()._ask(after, wait)


def counter_with_held_copy(server, tmp_path, lane: str, first: str) -> tuple[RemoteCounter, HeldAfterFirstPage, str]:
    """Twelve customers ``<first><n> <last>`` saved at another counter, and a new counter ``lane`` (signed in)
    whose copy (pages of 5, no snapshot, in ``tmp_path / "lane"``) is not started yet. (counter, copy, last)."""
    writer = open_counter(server, f"{lane[:4]}W", tmp_path / "w")
    last = f"{first[:4]}{uuid.uuid4().hex[:6]}".replace("0", "o")
    try:
        for n in range(12):
            writer.create_customer(CustomerRecord(first_name=f"{first}{n}", last_name=last))
    finally:
        writer.close()
    enrolled = enroll(server.url, new_code(server.data, lane), lane)
    copy = HeldAfterFirstPage(tmp_path / "lane", enrolled.url, enrolled.fingerprint, enrolled.credential, 5,
                              page=5, snapshot=False)
    counter = RemoteCounter(StoreLink(enrolled.url, enrolled.fingerprint, enrolled.credential,
                                      Timeouts(connect=1, read=10, total=12)), lane, replica=copy)
    try:
        counter.sign_in(*CLERK)
    except BaseException:
        counter.close()
        raise
    return counter, copy, last


def test_a_copy_filling_page_by_page_is_not_searched_the_server_answers_and_the_mark_survives(server, tmp_path):
    counter, copy, last = counter_with_held_copy(server, tmp_path, "FILL1", "Page")
    folder, credential = copy.folder, copy._link.credential
    try:
        assert counter.customers_loading and not copy.ready
        copy.start()
        assert copy.holding.wait(20), "the follower never asked for its third page"
        assert until(lambda: copy.position()[1] >= 10, 10.0) is not None  # two pages written, with the position...
        assert len(copy.search(last)) < 12  # ...a half copy (large pages would not even be searchable yet)
        assert not copy.ready and counter.customers_loading
        hits = counter.search(last)  # so the counter asks the server, which has them all
        assert sorted(h.display_name for h in hits) == sorted(f"Page{n} {last}" for n in range(12))
        copy.release.set()
        assert copy.caught_up.wait(20)
        assert copy.ready and not counter.customers_loading
        assert len(copy.search(last)) == 12 and len(counter.search(last)) == 12
    finally:
        copy.release.set()
        counter.close()

    offline = ReplicaFollower(folder, "https://127.0.0.1:9", "0" * 64, credential, connect_s=0.5)
    try:
        assert offline.ready  # caught up in an earlier run: searched at once, before any server answers
        assert len(offline.search(last)) == 12
    finally:
        offline.close()


def test_a_copy_cut_short_is_not_complete_when_the_counter_starts_again(server, tmp_path):
    enrolled = enroll(server.url, new_code(server.data, "FILL2"), "FILL2")
    writer = open_counter(server, "FILLX", tmp_path / "w")
    try:
        for n in range(8):
            writer.create_customer(CustomerRecord(first_name=f"Cut{n}", last_name="Short"))
    finally:
        writer.close()
    folder = tmp_path / "lane"
    copy = HeldAfterFirstPage(folder, enrolled.url, enrolled.fingerprint, enrolled.credential, 5, page=3,
                              snapshot=False).start()
    try:
        assert copy.holding.wait(20)
        assert until(lambda: copy.position()[1] >= 6, 10.0) is not None
    finally:
        copy._stop.set()  # the counter closes while its copy is half filled
        copy.release.set()
        copy.close()
    again = ReplicaFollower(folder, "https://127.0.0.1:9", "0" * 64, enrolled.credential, connect_s=0.5)
    try:
        assert again.position()[0] is not None and not again.ready
    finally:
        again.close()
    resumed = ReplicaFollower(folder, enrolled.url, enrolled.fingerprint, enrolled.credential, 5, page=3,
                              snapshot=False).start()
    try:
        assert resumed.caught_up.wait(20) and resumed.ready
        assert until(lambda: len(resumed.search("Short")) >= 8, 5.0) is not None
    finally:
        resumed.close()

"""A new counter's first fill from the server's snapshot (``GET /v1/customers/snapshot``, decisions 0460-0461): a
real server process (TLS, SQLite), the training gateway as PaySimple, ``ReplicaFollower``s with their own folders.
Faults are made real: the downloaded file is damaged on the lane's disk, the server named is another feed, the
path is one an older server does not have (its real 404), the size cap is below the file."""

from __future__ import annotations

import sqlite3
import stat
import uuid

import pytest

from pos_app.counter.remote import RemoteCounter
from pos_app.counter.replica import FILE_NAME, ReplicaFollower
from pos_app.customers.models import CustomerRecord
from pos_app.serverlink.client import ServerRefused, StoreLink, Timeouts, enroll
from tests.fixtures.server import CLERK, enroll_lane, new_code, run_cli, until

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def writer(server, tmp_path_factory):
    """A signed-in counter (no copy of its own) that writes customers through the server; 12 written."""
    enrolled = enroll(server.url, new_code(server.data, "WRITER"), "WRITER")
    counter = RemoteCounter.connect(enrolled.url, enrolled.fingerprint, enrolled.credential, "WRITER",
                                    timeouts=Timeouts(connect=1, read=10, total=12), ask_for=5)
    counter.sign_in(*CLERK)
    for i in range(12):
        counter.create_customer(CustomerRecord(first_name=f"Snap{i}", last_name="Shopper",
                                               email=f"snap{i}@example.com"))
    yield counter
    counter.close()


def follower(server, name: str, folder, cls=ReplicaFollower, **options) -> ReplicaFollower:
    lane = enroll_lane(server, name)
    lane.close()
    e = lane.enrollment
    return cls(folder, e.url, e.fingerprint, e.credential, wait_s=1, connect_s=1, **options)


def feed_end(lane) -> tuple[str, int, int]:
    """(feed id, last position, records) of the server's feed, read page by page."""
    after, count = 0, 0
    while True:
        _, page, _ = lane.call("GET", "/v1/customers/changes", params={"after": str(after), "limit": "5000"})
        count += len(page["changes"])
        if not page["changes"]:
            return page["feed_id"], after, count
        after = page["next_position"]


def everything(copy: ReplicaFollower) -> dict:
    """Every record of a copy by id (deleted ones too), as the copy returns them."""
    con = sqlite3.connect(copy.path)
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM customers")]
    finally:
        con.close()
    return {i: copy.get(i) for i in ids}


def leftovers(folder) -> list:
    return sorted(p.name for p in folder.iterdir() if ".snapshot-" in p.name or p.name.endswith(".new"))


def test_a_snapshot_is_one_consistent_copy_of_the_feed_up_to_the_position_it_names(server, writer, tmp_path):
    lane = enroll_lane(server, "SNAP1")
    try:
        with open(tmp_path / "copy.db", "wb") as out:
            headers = lane.link.download("/v1/customers/snapshot", out, max_bytes=1 << 30, total=30)
        feed_id, end, records = feed_end(lane)
        assert headers["x-feed-id"] == feed_id and int(headers["x-feed-position"]) == end and records >= 12
        assert headers["content-type"] == "application/vnd.sqlite3"
        con = sqlite3.connect(tmp_path / "copy.db")
        try:
            assert con.execute("PRAGMA quick_check").fetchall() == [("ok",)]
            meta = dict(con.execute("SELECT key, value FROM meta"))
            assert meta["replica_of"] == feed_id and meta["replica_position"] == str(end)
            assert meta["feed_id"] != feed_id  # the copy's own feed is its own
            assert con.execute("SELECT count(*), max(change_pos) FROM customers").fetchone() == (records, end)
            for private in ("sync_runs", "sync_seen", "paysimple_adds", "recent", "recent_entries"):
                assert con.execute(f"SELECT count(*) FROM {private}").fetchone() == (0,), private
            assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        finally:
            con.close()
        assert list((server.data / "snapshots").iterdir()) == []  # the server's temp copy is gone
        _, doc, _ = lane.call("GET", "/openapi.json")
        op = doc["paths"]["/v1/customers/snapshot"]["get"]
        assert op["security"] == [{"lane": []}] and "application/vnd.sqlite3" in op["responses"]["200"]["content"]
    finally:
        lane.close()


def test_a_snapshot_needs_a_lane_credential_that_is_not_revoked(server, writer, tmp_path):
    lane = enroll_lane(server, "SNAP2")
    anonymous = StoreLink(server.url, lane.enrollment.fingerprint, None)
    wrong = StoreLink(server.url, lane.enrollment.fingerprint, lane.enrollment.credential[:-4] + "AAAA")
    try:
        for link in (anonymous, wrong):
            with open(tmp_path / "x.db", "wb") as out, pytest.raises(ServerRefused) as refused:
                link.download("/v1/customers/snapshot", out, max_bytes=1 << 30, total=30)
            assert refused.value.status == 401
            assert (tmp_path / "x.db").stat().st_size == 0
        out = run_cli("revoke-lane", "--data", str(server.data), "SNAP2")
        assert out.returncode == 0, out.stderr
        with open(tmp_path / "y.db", "wb") as out, pytest.raises(ServerRefused) as revoked:
            lane.link.download("/v1/customers/snapshot", out, max_bytes=1 << 30, total=30)
        assert revoked.value.status == 401 and revoked.value.code == "lane_revoked"
        assert (tmp_path / "y.db").stat().st_size == 0
    finally:
        anonymous.close()
        wrong.close()
        lane.close()


class EditWhileDownloading(ReplicaFollower):
    """Writes through another counter after the snapshot was made and downloaded, before it is followed."""

    writer: RemoteCounter
    edits: list

    def _download(self, out):
        got = super()._download(out)
        first = self.writer.search("Snap0")[0]
        self.edits.append(self.writer.update_customer(first.id, CustomerRecord(
            first_name="Snap0", last_name=f"Edited{uuid.uuid4().hex[:6]}", email="snap0@example.com")))
        # a last name of letters only: a random hex like "12345678" would be searched as phone digits
        letters = uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop")).capitalize()
        self.edits.append(self.writer.create_customer(CustomerRecord(first_name="During", last_name=letters)))
        return got


def test_the_first_fill_comes_from_the_snapshot_and_follows_edits_made_during_the_download(
        server, writer, tmp_path):
    EditWhileDownloading.writer, EditWhileDownloading.edits = writer, []
    copy = follower(server, "SNAP3", tmp_path / "a", EditWhileDownloading).start()
    pages = None
    try:
        assert copy.caught_up.wait(20)
        assert copy.filled_by == "snapshot"
        edited, added = EditWhileDownloading.edits
        assert until(lambda: any(h.id == added.id for h in copy.search(added.record.last_name)), 5) is not None
        assert until(lambda: copy.get(edited.id).record.last_name == edited.record.last_name, 5) is not None
        assert stat.S_IMODE((tmp_path / "a" / FILE_NAME).stat().st_mode) == 0o600
        assert leftovers(tmp_path / "a") == []
        pages = follower(server, "SNAP3P", tmp_path / "b", snapshot=False).start()
        assert pages.caught_up.wait(20) and pages.filled_by == "pages"
        lane = enroll_lane(server, "SNAP3F")
        try:
            feed_id, end, records = feed_end(lane)
        finally:
            lane.close()
        assert until(lambda: copy.position() == pages.position() == (feed_id, end), 5) is not None
        assert copy.count() == pages.count() and records >= 13
        assert everything(copy) == everything(pages)
    finally:
        copy.close()
        if pages is not None:
            pages.close()


class Damaged(ReplicaFollower):
    """The downloaded file damaged on the lane's disk before its check (pages in the middle overwritten)."""

    def _download(self, out):
        got = super()._download(out)
        out.flush()
        size = out.tell()
        out.seek(size // 2)
        out.write(b"\xff" * 4096)
        out.seek(0, 2)
        return got


class NotTheHeader(ReplicaFollower):
    """The headers name another feed than the file copies."""

    def _download(self, out):
        _, position = super()._download(out)
        return "another-feed", position


class OldServer(ReplicaFollower):
    """An older server's answer to /v1/customers/snapshot: its /v1/customers/{customer_id} route (a session
    route: 401 for a lane without a clerk session), here the same route of the real server."""

    snapshot_path = "/v1/customers/no-snapshot-here"


class NoRoute(ReplicaFollower):
    snapshot_path = "/v1/no-such-route"  # the real server's real 404


@pytest.mark.parametrize("cls,options", [(Damaged, {}), (NotTheHeader, {}), (OldServer, {}), (NoRoute, {}),
                                         (ReplicaFollower, {"snapshot_max_bytes": 4096}),
                                         (ReplicaFollower, {"snapshot_total_s": 0.001})],
                         ids=["damaged", "other-feed", "older-server", "404", "too-large", "deadline"])
def test_a_snapshot_that_cannot_be_used_falls_back_to_the_feed_and_leaves_nothing_behind(
        server, writer, tmp_path, cls, options):
    copy = follower(server, f"BAD{uuid.uuid4().hex[:6]}", tmp_path / "c", cls, **options).start()
    try:
        assert copy.caught_up.wait(20)
        assert copy.filled_by == "pages"
        assert copy.count() >= 12 and copy.search("Snap1")
        assert leftovers(tmp_path / "c") == []
        con = sqlite3.connect(copy.path)
        try:
            assert con.execute("PRAGMA quick_check").fetchall() == [("ok",)]
        finally:
            con.close()
    finally:
        copy.close()


def test_a_copy_of_another_feed_is_replaced_from_a_snapshot(server, writer, tmp_path):
    """The store's list was replaced (decision 0412): the lane's copy names another feed; the new copy is filled
    from the snapshot and searches switch to it."""
    folder = tmp_path / "d"
    first = follower(server, "SNAP5", folder).start()
    try:
        assert first.caught_up.wait(20) and first.filled_by == "snapshot"
    finally:
        first.close()
    con = sqlite3.connect(folder / FILE_NAME)
    try:
        con.execute("UPDATE meta SET value = 'a-replaced-feed' WHERE key = 'replica_of'")
        con.commit()
    finally:
        con.close()
    again = follower(server, "SNAP5B", folder).start()
    try:
        assert until(lambda: again.position()[0] not in (None, "a-replaced-feed"), 20) is not None
        assert again.filled_by == "snapshot" and again.count() >= 12 and again.search("Snap2")
        assert leftovers(folder) == []
    finally:
        again.close()

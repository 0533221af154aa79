"""Fixtures for the directory tests: a real SQLite directory file, the real training gateway on loopback TCP
and the real client."""

from __future__ import annotations

import pytest

from pos_app.customers.directory import Directory
from pos_app.customers.models import CustomerRecord

API_USER = "DirectoryTests"
API_KEY = "directory-tests-key"


@pytest.fixture
def directory(tmp_path):
    d = Directory(tmp_path / "directory.db")
    yield d
    d.close()


@pytest.fixture
def gateway():
    from pos_app.training import TrainingGateway

    gw = TrainingGateway(API_USER, API_KEY)
    gw.start()
    try:
        yield gw
    finally:
        gw.close()


@pytest.fixture
def client(gateway):
    from pos_app.paysimple import PaySimpleClient, Timeouts

    c = PaySimpleClient(gateway.api_url, API_USER, API_KEY, timeouts=Timeouts(connect=2, read=5),
                        max_retries=1, clock=gateway.clock.now, sleep=lambda s: None)
    yield c
    c.close()


_next_id = [1000]


def person(first: str, last: str, pid: int | None = -1, **fields) -> CustomerRecord:
    """A PaySimple customer record (fresh id unless given; pid=None makes a local-only one)."""
    if pid == -1:
        _next_id[0] += 1
        pid = _next_id[0]
    return CustomerRecord(first_name=first, last_name=last, paysimple_id=pid, **fields)


def names(hits) -> list[str]:
    return [h.display_name for h in hits]

"""The gateway seam: a second, in-memory ``Gateway`` stands in for PaySimple under a real ``PaymentService`` and a
real SQLite journal. It proves the core needs nothing of ``pos_app.paysimple`` (the real proof of behaviour stays
the tests against the training gateway over TCP)."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from pos_app.payments import AccountRef, Approval, CustomerRef, Journal, PaymentService, State
from pos_app.payments.gateway import (
    AnswerLost,
    ChargeRequest,
    Failure,
    Gateway,
    GatewayPayment,
    NotFound,
    NotOffered,
    PaymentStatus,
    Refused,
    Unreachable,
)
from pos_app.payments.onfile import OnFile

T0 = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)
CUSTOMER = CustomerRef(7, "Ada Lovelace")
CARD = AccountRef(70, "cc", "1111", "Visa")
MANAGER = Approval("m1", "manager", "customer changed their mind")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class MemoryGateway:
    """A gateway in a dict. ``script`` says what each ``create_payment`` does:
    approve | decline | other_status | lost_taken (kept, answer lost) | lost_not_taken (gateway's own error,
    nothing kept) | unreachable | refused."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.records: dict[int, GatewayPayment] = {}
        self.owners = {CARD.id: CUSTOMER.id}
        self.vault = {CARD.id}
        self.script: list[str] = []
        self.sent: list[ChargeRequest] = []
        self.outbox: list[int] = []
        self.receipts_offered = True

    @property
    def request_limit(self) -> timedelta:
        return timedelta(seconds=5)

    def _keep(self, request: ChargeRequest, status: PaymentStatus, **extra) -> GatewayPayment:
        p = GatewayPayment(id=1000 + len(self.records), status=status, amount=request.amount,
                           account_id=request.account_id, customer_id=self.owners[request.account_id],
                           order_id=request.order_id, created_at=self.clock(),
                           can_void_until=self.clock() + timedelta(hours=8), **extra)
        self.records[p.id] = p
        return p

    def create_payment(self, request: ChargeRequest) -> GatewayPayment:
        self.sent.append(request)
        what = self.script.pop(0)
        if what == "approve":
            return self._keep(request, PaymentStatus.AUTHORIZED, auth_code="A1")
        if what == "decline":
            return self._keep(request, PaymentStatus.FAILED,
                              failure=Failure("4005", "Do Not Honor", "Try another card", True))
        if what == "other_status":
            return self._keep(request, PaymentStatus.OTHER, status_name="OnHold")
        if what == "lost_taken":
            self._keep(request, PaymentStatus.AUTHORIZED)
            raise AnswerLost("the reply was cut off", gateway_answered=False)
        if what == "lost_not_taken":
            raise AnswerLost("HTTP 500: unexpected error", gateway_answered=True)
        if what == "unreachable":
            raise Unreachable("no route to the gateway")
        if what == "refused":
            raise Refused("HTTP 400: the payment token expired")
        raise AssertionError(what)

    def get_payment(self, payment_id: int) -> GatewayPayment:
        if payment_id not in self.records:
            raise NotFound(f"no payment {payment_id}")
        return self.records[payment_id]

    def void_payment(self, payment_id: int) -> GatewayPayment:
        p = self.get_payment(payment_id)
        if p.status not in (PaymentStatus.AUTHORIZED, PaymentStatus.POSTED):
            raise Refused(f"payment {payment_id} is {p.status}")
        self.records[payment_id] = replace(p, status=PaymentStatus.VOIDED)
        return self.records[payment_id]

    def reverse_payment(self, payment_id: int) -> GatewayPayment:
        raise Refused("not settled")

    def customer_payments(self, customer_id: int, start: date, end: date) -> list[GatewayPayment]:
        return [p for p in self.records.values() if p.customer_id == customer_id]

    def payments(self, start: date, end: date, page_size: int | None = None):
        yield from list(self.records.values())

    def delete_account(self, account_id: int, kind: str) -> None:
        if account_id not in self.vault:
            raise NotFound(f"no account {account_id}")
        self.vault.remove(account_id)

    def customer_email(self, customer_id: int) -> str | None:
        return {CUSTOMER.id: "ada@example.com"}.get(customer_id)

    def send_receipt(self, payment_id: int) -> None:
        if not self.receipts_offered:
            raise NotOffered("HTTP 405: not offered")
        self.outbox.append(self.get_payment(payment_id).id)


@pytest.fixture
def world(tmp_path):
    clock = Clock()
    gateway = MemoryGateway(clock)
    journal = Journal(tmp_path / "journal.db")
    service = PaymentService(journal, gateway, "LANE1", clock=clock, sleep=clock.sleep,
                             in_flight_window=timedelta(seconds=30), settle_after=timedelta(seconds=2),
                             poll_interval=1.0, lookup_backoff=0.5)
    service.reconcile_unresolved()
    yield gateway, journal, service, clock
    journal.close()


def charge(service, amount="12.50"):
    return service.charge(CUSTOMER, CARD, Decimal(amount), "clerk1")


def test_the_memory_gateway_and_paysimples_adapter_are_both_gateways():
    from pos_app.paysimple import PaySimpleClient
    from pos_app.paysimple.gateway import PaySimpleGateway

    assert isinstance(MemoryGateway(Clock()), Gateway)
    with PaySimpleClient("http://127.0.0.1:9/v4", "u", "k-0123456789") as client:
        assert isinstance(PaySimpleGateway(client), Gateway)


def test_the_core_runs_without_the_paysimple_package(tmp_path):
    """Charging through the seam in a fresh interpreter never imports pos_app.paysimple."""
    import subprocess

    code = (
        "import sys\n"
        "from tests.payments.test_gateway_seam import Clock, MemoryGateway, CUSTOMER, CARD\n"
        "from pos_app.payments import Journal, PaymentService\n"
        "from decimal import Decimal\n"
        "clock = Clock(); gw = MemoryGateway(clock); gw.script = ['approve']\n"
        f"j = Journal({str(tmp_path / 'j.db')!r})\n"
        "s = PaymentService(j, gw, 'LANE1', clock=clock, sleep=clock.sleep); s.reconcile_unresolved()\n"
        "print(s.charge(CUSTOMER, CARD, Decimal('1.00'), 'c1').state.value)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('pos_app.paysimple', 'httpx'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["approved", "[]"]


def test_approved_declined_and_an_unknown_status(world):
    gateway, journal, service, _ = world
    gateway.script = ["approve", "decline", "other_status"]
    approved = charge(service)
    assert (approved.state, approved.ps_status, approved.auth_code) == (State.APPROVED, "Authorized", "A1")
    declined = charge(service)
    assert (declined.state, declined.failure_code, declined.note) == (State.DECLINED, "4005", "Do Not Honor")
    odd = charge(service)  # a status the core does not know is never taken as charged or declined
    assert odd.state is State.UNKNOWN and odd.ps_status == "OnHold"
    assert len(gateway.sent) == 3 and [r.order_id for r in gateway.sent] == [approved.id, declined.id, odd.id]


def test_a_lost_answer_is_looked_up_not_resent(world):
    gateway, journal, service, clock = world
    gateway.script = ["lost_taken"]
    a = charge(service)
    assert a.state is State.APPROVED and len(gateway.sent) == 1
    states = [t.to_state for t in journal.transitions(a.id)]
    assert states == [State.CREATED, State.SENDING, State.UNKNOWN, State.RECONCILING, State.APPROVED]


def test_not_charged_only_after_the_window_that_fits_who_answered(world):
    gateway, journal, service, clock = world
    gateway.script = ["lost_not_taken"]
    start = clock()
    a = charge(service)  # the gateway's own error: settled after settle_after, not the whole window
    assert a.state is State.ABSENT and len(gateway.sent) == 1
    assert timedelta(seconds=2) <= clock() - start < timedelta(seconds=30)


def test_unreachable_is_absent_and_refused_is_rejected_at_once(world):
    gateway, journal, service, clock = world
    gateway.script = ["unreachable", "refused"]
    assert charge(service).state is State.ABSENT
    rejected = charge(service)
    assert rejected.state is State.REJECTED and "payment token expired" in rejected.note
    assert clock() == T0  # no waiting: the gateway said nothing was done


def test_void_and_a_refused_refund_through_the_seam(world):
    gateway, journal, service, clock = world
    gateway.script = ["approve", "approve"]
    a = charge(service)
    assert service.refund_or_void_option(a).action == "void"
    assert service.void(a, MANAGER).state is State.VOIDED
    assert gateway.records[a.payment_id].status is PaymentStatus.VOIDED
    b = charge(service)
    gateway.records[b.payment_id] = replace(gateway.records[b.payment_id], status=PaymentStatus.SETTLED)
    with pytest.raises(Exception, match="not settled"):
        service.refund(b, MANAGER)
    assert journal.get(b.id).state is State.APPROVED  # refused by the gateway: back where it was


def test_onfile_removes_through_the_seam_and_not_found_means_gone(world):
    gateway, journal, service, clock = world
    onfile = OnFile(journal, gateway, clock=clock)
    for account in (CARD, AccountRef(71, "cc", "2222", "Visa")):  # 71 was never in the vault: gone already
        onfile.record_new(account, CUSTOMER.id, False, "clerk1")
        onfile.release(account.id)
    report = onfile.sweep()
    assert sorted(r.account_id for r in report.removed) == [70, 71] and gateway.vault == set()


def test_an_emailed_receipt_through_the_seam_and_a_gateway_that_does_not_offer_it(world):
    from pos_app.payments.receipts import ReceiptEmailError, email_receipt

    gateway, journal, service, clock = world
    gateway.script = ["approve"]
    a = charge(service)
    assert email_receipt(gateway, a) == "ada@example.com" and gateway.outbox == [a.payment_id]
    gateway.receipts_offered = False
    with pytest.raises(ReceiptEmailError) as refused:
        email_receipt(gateway, a)
    assert refused.value.code == "not_offered" and not refused.value.may_have_sent

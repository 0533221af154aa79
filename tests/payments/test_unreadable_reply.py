"""What the training gateway cannot do: a 2xx reply to POST /payment that cannot be read (respx).

PaySimple may have charged (the reply was 2xx), so the attempt must go unknown and be looked up, not retried.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import httpx
import respx

from pos_app.payments import AccountRef, CustomerRef, Journal, PaymentService, State
from pos_app.paysimple import PaySimpleClient, Timeouts
from pos_app.paysimple.gateway import PaySimpleGateway

BASE = "https://sandbox-api.paysimple.com/v4"


def envelope(response, status=200, paging=None):
    return {"Meta": {"Errors": None, "HttpStatus": "OK", "HttpStatusCode": status, "PagingDetails": paging},
            "Response": response}


def test_unreadable_2xx_reply_is_unknown_then_found_by_order_id(tmp_path):
    sent = []

    def create(request):
        sent.append(json.loads(request.content))
        return httpx.Response(201, text="<html>proxy says hi</html>")

    def lookup(request):
        body = sent[-1]
        payment = {"Id": 77, "Status": "Authorized", "Amount": body["Amount"], "AccountId": body["AccountId"],
                   "CustomerId": 5, "OrderId": body["OrderId"], "ProviderAuthCode": "Approved",
                   "TraceNumber": "T-77", "FailureData": None}
        return httpx.Response(200, json=envelope([payment], paging={"TotalItems": 1, "Page": 1,
                                                                     "ItemsPerPage": 200}))

    with respx.mock(assert_all_called=True) as mock:
        post = mock.post(f"{BASE}/payment").mock(side_effect=create)
        mock.get(f"{BASE}/customer/5/payments").mock(side_effect=lookup)
        client = PaySimpleClient(BASE, "user", "key-0123456789", timeouts=Timeouts(connect=1, read=1),
                                 max_retries=0)
        journal = Journal(tmp_path / "j.db")
        service = PaymentService(journal, PaySimpleGateway(client), "LANE1", settle_after=timedelta(0), lookup_backoff=0)
        service.reconcile_unresolved()
        a = service.charge(CustomerRef(5, "Cy Five"), AccountRef(9, "cc", "4242", "Visa"), Decimal("3.25"), "c1")
        assert post.call_count == 1  # never re-sent
        assert a.state is State.APPROVED and a.payment_id == 77
        assert [t.to_state for t in journal.transitions(a.id)] == [
            State.CREATED, State.SENDING, State.UNKNOWN, State.RECONCILING, State.APPROVED]
        assert sent[0]["OrderId"] == a.id and Decimal(str(sent[0]["Amount"])) == Decimal("3.25")
        journal.close()
        client.close()

"""``ChargeOutcome`` (``LastCharge.outcome``) in JSON through ``serverlink.wire``: each outcome is written as the
plain word it always was and reads back as the same enum member; a word that is no outcome is refused with the
field named. (``LastCharge`` itself is made on the lane from the server's ``ChargeReply``; this keeps its words
stable for a log, a support dump or a later message that carries it.)"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from pos_app.counter import ChargeOutcome, LastCharge
from pos_app.serverlink.wire import WireError, decode, encode

WORDS = [(ChargeOutcome.APPROVED, "approved"), (ChargeOutcome.DECLINED, "declined"),
         (ChargeOutcome.NOT_CHARGED, "not_charged"), (ChargeOutcome.UNKNOWN, "unknown")]


@pytest.mark.parametrize("outcome, word", WORDS)
def test_each_outcome_is_written_as_its_word_and_reads_back(outcome, word):
    last = LastCharge("a-1", "Ada Lovelace", Decimal("12.34"), "card", "1111", outcome)
    data = json.loads(json.dumps(encode(last)))
    assert data["outcome"] == word and data["amount"] == "12.34" and data["attempt"] is None
    assert decode(ChargeOutcome, data["outcome"], "LastCharge.outcome") is outcome
    assert last.final is (outcome is not ChargeOutcome.UNKNOWN)


def test_a_word_that_is_no_outcome_is_refused_with_the_field_named():
    with pytest.raises(WireError) as refused:
        decode(ChargeOutcome, "probably", "LastCharge.outcome")
    assert "LastCharge.outcome" in str(refused.value) and "not_charged" in str(refused.value)

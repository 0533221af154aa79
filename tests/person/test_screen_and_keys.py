"""Issue 18 "Screen and keys": every key of the shortcut strip and the menus, in every state of the counter, as
real X key events to the active window of the real app (Xvfb 1366x768 + openbox; see README.md). Each key
either does what it says, or is refused with a reason the clerk can read where they are looking (the status
bar of the counter, the message line of a dialog, the sign-in screen itself). Nothing happens silently.

The table below is the specification; ``screen_and_keys.keys_table`` produces the observations."""

from __future__ import annotations

import pytest

TITLE = "Counter · PaySimple (Training)"

FIND_FIRST = ("refused", "First find the customer: Ctrl+F, then ↑↓ and Enter.")
NO_FORM = ("refused", "F9 submits the payment form, and none is open")
RECEIPTS = ("refused", "Receipts are printed or e-mailed on the payment's result screen")
FORM_OPEN = ("refused", "The payment form is open: F9 submits it, Esc cancels it.")
SENDING = ("refused", "A payment is being sent to PaySimple: wait for its answer.")
UNDER_WAY = ("refused", "A payment is under way: finish it first.")
NO_QUIT = ("refused", "A payment is under way: finish it before quitting.")
NO_SIGN_OUT = ("refused", "A payment is under way: finish it before signing out.")
ON_CUSTOMER = ("refused", "F5 charges the card on file on the customer screen: Esc goes back to it.")
CARDS_THERE = ("refused", "Cards and bank accounts are changed on the customer screen")
DEL_THERE = ("refused", "Del removes the card or bank account selected in the customer's list")
HISTORY_NOT_HERE = ("says", "does nothing in Payment history: its keys are in the line at the bottom; Esc closes it.")
EOD_NOT_HERE = ("says", "does nothing in End of day: Enter runs the report, Ctrl+S saves a PDF, Esc closes.")
SEARCH = ("focus", "searchEdit")
OPENS = "opens"

COUNTER_ANYWHERE = {  # the menu keys while the counter is free (no payment in flight, no form open)
    "Ctrl+H": (OPENS, "Payment history"), "Ctrl+N": (OPENS, "New customer"), "Ctrl+Q": (OPENS, "Quit"),
    "Sign out": ("signed_out",), "Ctrl+L": ("locked",),
}

EXPECT: dict[str, dict[str, tuple]] = {
    "signed_out": {},  # every key: the sign-in screen stays in front, nobody is signed in, nothing else moves
    "locked": {},  # every key: the lock screen stays in front, nothing else moves
    "no_customer": COUNTER_ANYWHERE | {
        "Ctrl+F": SEARCH, "F2": SEARCH, "F5": FIND_FIRST, "F6": FIND_FIRST, "F7": FIND_FIRST, "F8": FIND_FIRST,
        "F9": NO_FORM, "Ctrl+D": FIND_FIRST, "Del": ("text", "searchEdit"), "Ctrl+P": RECEIPTS,
        "Ctrl+M": RECEIPTS, "Ctrl+B": RECEIPTS,
        "Ctrl+E": ("refused", "First find the customer: Ctrl+F, then ↑↓ and Enter. Ctrl+E then edits them."),
        "Enter": ("page", "customer"), "Esc": SEARCH,
    },
    "customer": COUNTER_ANYWHERE | {
        "Ctrl+F": SEARCH, "F2": SEARCH, "F5": (OPENS, "Charge card on file"), "F6": ("form", "shown:cc"),
        "F7": ("form", "shown:ach"), "F8": ("form", "shown:cc"), "F9": NO_FORM,
        "Ctrl+D": ("refused", "The selected card or bank account is already the default."),
        "Del": ("text", "amountEdit"), "Ctrl+P": RECEIPTS, "Ctrl+M": RECEIPTS, "Ctrl+B": RECEIPTS,
        "Ctrl+E": (OPENS, "Edit customer"), "Enter": ("focus", "primary"), "Esc": SEARCH,
    },
    "form": {
        "Ctrl+F": FORM_OPEN, "F2": FORM_OPEN, "F5": FORM_OPEN, "F6": FORM_OPEN, "F7": ("form", "shown:ach"),
        "F8": FORM_OPEN, "F9": ("form_status", "Complete the details in the form first."), "Ctrl+D": FORM_OPEN,
        "Del": ("text", None), "Ctrl+P": RECEIPTS, "Ctrl+M": RECEIPTS, "Ctrl+B": RECEIPTS,
        "Ctrl+H": (OPENS, "Payment history"), "Ctrl+N": UNDER_WAY, "Ctrl+E": UNDER_WAY, "Ctrl+Q": NO_QUIT,
        "Sign out": NO_SIGN_OUT, "Ctrl+L": ("locked",),
        "Enter": ("text", None),  # PaySimple's form has the keyboard; F9 submits (the form's status line says so)
        "Esc": ("page", "customer"),
    },
    "charging": {
        "Ctrl+F": SEARCH, "F2": SEARCH, "F5": SENDING, "F6": SENDING, "F7": SENDING, "F8": SENDING, "F9": SENDING,
        "Ctrl+D": SENDING, "Del": ("text", None), "Ctrl+P": RECEIPTS, "Ctrl+M": RECEIPTS, "Ctrl+B": RECEIPTS,
        "Ctrl+H": (OPENS, "Payment history"), "Ctrl+N": UNDER_WAY, "Ctrl+E": UNDER_WAY, "Ctrl+Q": NO_QUIT,
        "Sign out": NO_SIGN_OUT, "Ctrl+L": ("locked",), "Enter": SENDING,
        "Esc": ("result", "unknown"),  # Stop waiting: the payment goes on, shown as not confirmed yet
    },
    "approved": COUNTER_ANYWHERE | {
        "Ctrl+F": SEARCH, "F2": SEARCH, "F5": ON_CUSTOMER,
        "F6": ("amount_asked",), "F7": ("amount_asked",),  # the sale's amount is gone: type the next one
        "F8": ("form", "shown:cc"), "F9": NO_FORM, "Ctrl+D": CARDS_THERE, "Del": DEL_THERE,
        "Ctrl+P": (OPENS, "Receipt · "), "Ctrl+M": (OPENS, "E-mail receipt"), "Ctrl+B": ("print_and_email",),
        "Ctrl+E": (OPENS, "Edit customer"), "Enter": ("page", "welcome"), "Esc": ("page", "customer"),
    },
    "declined": COUNTER_ANYWHERE | {
        "Ctrl+F": SEARCH, "F2": SEARCH, "F5": ON_CUSTOMER, "F6": ("form", "shown:cc"), "F7": ("form", "shown:ach"),
        "F8": ("form", "shown:cc"), "F9": NO_FORM, "Ctrl+D": CARDS_THERE, "Del": DEL_THERE,
        "Ctrl+P": (OPENS, "Receipt · "), "Ctrl+M": (OPENS, "E-mail receipt"), "Ctrl+B": ("print_and_email",),
        "Ctrl+E": (OPENS, "Edit customer"),
        "Enter": ("try_another",),  # "Try another card" is the default: the sale goes on with another card
        "Esc": ("page", "customer"),
    },
    "history": {
        "Ctrl+F": ("history_focus", "historyFind"), "F2": HISTORY_NOT_HERE, "F5": ("reloaded",),
        "F6": ("says", "This payment's outcome is known: there is nothing to check."), "F7": HISTORY_NOT_HERE,
        "F8": (OPENS, "Manager approval"), "F9": ("says", "F9 closes a payment that needs review; this one does not."),
        "Ctrl+D": HISTORY_NOT_HERE, "Del": HISTORY_NOT_HERE, "Ctrl+P": (OPENS, "Print receipt"),
        "Ctrl+M": HISTORY_NOT_HERE, "Ctrl+B": HISTORY_NOT_HERE, "Ctrl+H": HISTORY_NOT_HERE,
        "Ctrl+N": HISTORY_NOT_HERE, "Ctrl+E": (OPENS, "E-mail receipt"), "Ctrl+Q": HISTORY_NOT_HERE,
        "Sign out": HISTORY_NOT_HERE, "Ctrl+L": HISTORY_NOT_HERE,
        "Enter": (OPENS, "Receipt · "),  # the footer: ↑↓ Select · Enter Receipt
        "Esc": ("closed",),
    },
    "end_of_day": {
        "Ctrl+F": EOD_NOT_HERE, "F2": EOD_NOT_HERE, "F5": EOD_NOT_HERE, "F6": EOD_NOT_HERE, "F7": EOD_NOT_HERE,
        "F8": EOD_NOT_HERE, "F9": EOD_NOT_HERE, "Ctrl+D": ("text", "QDateEdit"), "Del": ("text", "QDateEdit"),
        "Ctrl+P": EOD_NOT_HERE, "Ctrl+M": EOD_NOT_HERE, "Ctrl+B": EOD_NOT_HERE, "Ctrl+H": EOD_NOT_HERE,
        "Ctrl+N": EOD_NOT_HERE, "Ctrl+E": ("text", "QDateEdit"), "Ctrl+Q": EOD_NOT_HERE, "Sign out": EOD_NOT_HERE,
        "Ctrl+L": EOD_NOT_HERE, "Enter": ("says", "Done: reconciled with PaySimple."), "Esc": ("closed",),
    },
}

#: What must hold before each key, so a cell is about its state (a slow payment still in flight, …).
BEFORE = {
    "signed_out": {"active": "Sign in", "clerk": None}, "locked": {"active": "Screen locked", "clerk": "Trainee"},
    "no_customer": {"active": TITLE, "page": "welcome"}, "customer": {"active": TITLE, "page": "customer"},
    "form": {"active": TITLE, "form": "shown:cc"}, "charging": {"active": TITLE, "charging": True},
    "approved": {"active": TITLE, "kind": "approved"}, "declined": {"active": TITLE, "kind": "declined"},
    "history": {"active": "Payment history"}, "end_of_day": {"active": "End of day"},
}


def check(state: str, key: str, seen: dict) -> str | None:
    """Why ``seen`` is not what ``EXPECT`` says (None: it is)."""
    before = seen["before"]
    for field, want in BEFORE[state].items():
        if before[field] != want:
            return f"not in the state before the key: {field}={before[field]!r}"
    if state in ("signed_out", "locked"):
        base = BEFORE[state]["active"]
        ok = seen["active"] == base and seen["locked"] and seen["clerk"] == BEFORE[state]["clerk"] \
            and seen["page"] == before["page"] and not seen["refused"]
        return None if ok else "the sign-in / lock screen did not keep the keyboard"
    spec = EXPECT[state][key]
    what, arg = spec[0], (spec[1] if len(spec) > 1 else None)
    refused_ok = what == "refused" or not seen["refused"]
    if not refused_ok:
        return f"refused although it should act: {seen['refused']!r}"
    checks = {
        "refused": lambda: arg in seen["refused"] and seen["refused"].endswith(seen["status"]) and seen["status"],
        "says": lambda: arg in (seen["history_message"] or seen["eod_state"]),
        "opens": lambda: seen["active"].startswith(arg),
        "page": lambda: seen["active"] == TITLE and seen["page"] == arg,
        "form": lambda: seen["active"] == TITLE and seen["form"] == arg,
        "form_status": lambda: seen["page"] == "form" and seen["form_status"] == arg,
        "result": lambda: seen["page"] == "result" and seen["kind"] == arg,
        "focus": lambda: seen["active"] == before["active"] and seen["focus"] == arg,
        "history_focus": lambda: seen["active"] == "Payment history" and seen["history_focus"] == arg,
        "text": lambda: seen["active"] == before["active"] and seen["focus"] == seen["before_focus"]
        and (arg is None or seen["focus"] == arg) and seen["page"] == before["page"],
        "signed_out": lambda: seen["active"] == "Sign in" and seen["locked"] and seen["clerk"] is None
        and seen["cover"] == "Signed out" and seen["banner"] == "",
        "locked": lambda: seen["active"] == "Screen locked" and seen["locked"] and seen["clerk"] == "Trainee",
        "amount_asked": lambda: seen["page"] == "customer" and seen["amount_message"] != ""
        and seen["focus"] == "amountEdit",
        "print_and_email": lambda: seen["active"] == "E-mail receipt" and seen["receipt_open"],
        "try_another": lambda: seen["form"].startswith("shown:") and seen["hit"] is not None,
        "reloaded": lambda: seen["active"] == "Payment history" and seen["history_loads"] > before["history_loads"],
        "closed": lambda: seen["active"] == TITLE and not seen["history"] and not seen["end_of_day"],
    }
    return None if checks[what]() else f"expected {spec}"


GROUPS = {
    "signed-out-locked-start": (["signed_out", "locked", "no_customer"], False),
    "customer-form": (["customer", "form"], False),
    "results-charging": (["approved", "declined", "charging"], False),
    "history-end-of-day": (["history", "end_of_day"], True),
}


@pytest.mark.exhaustive  # ~6 min: run with `bash scripts/pos.sh test -m exhaustive` (decision 0361)
@pytest.mark.parametrize("group", list(GROUPS))
def test_every_key_in_every_state_acts_or_says_why_not(run_scenario, group):
    states, with_payment = GROUPS[group]
    r = run_scenario("tests.person.screen_and_keys:keys_table", timeout=280, states=states,
                     with_payment=with_payment)
    assert r["signed_in"], r["steps"]
    wrong = {}
    for state in states:
        assert set(r[state]) == {"Ctrl+F", "F2", "F5", "F6", "F7", "F8", "F9", "Ctrl+D", "Del", "Ctrl+P", "Ctrl+M",
                                 "Ctrl+B", "Ctrl+H", "Ctrl+N", "Ctrl+E", "Ctrl+Q", "Sign out", "Ctrl+L", "Enter",
                                 "Esc"}
        for key, seen in r[state].items():
            problem = check(state, key, seen)
            if problem:
                wrong[f"{state} × {key}"] = (problem, {k: v for k, v in seen.items() if v not in ("", None, False)})
    assert not wrong, "\n".join(f"{cell}: {problem}\n    saw {seen}" for cell, (problem, seen) in wrong.items())

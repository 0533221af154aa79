"""The customer page's "Add to PaySimple" for an imported (local-only) customer: one visible action that
creates them in PaySimple through the application layer and links the same row, after which the payment
buttons work.

    adder = AddToPaySimple(button, say, show_customer, parent)   # the sale flow makes one (ui.counter.sale)
    adder.start(counter, hit)                                     # the button, or Enter on it
    adder.finished                                                # an AddOutcome

- Runs ``CounterApi.add_to_paysimple`` on a worker (recorded before it is sent, looked up before any second
  try: never two PaySimple customers for one row, decision 0370); the button is disabled and says
  "Adding…" meanwhile; a look-up's progress is shown on the status line.
- Added: the customer is shown again from the saved row (``show_customer``) with their payment buttons, and
  the status line says so (also when the look-up found an earlier try's customer: "nothing was added twice").
- A field PaySimple (or its rules) refuses: the status line names the fields, and the edit window opens with
  each message beside its field; saving there adds them (``update_customer`` routes a local-only customer to
  the same add).
- Not confirmed (a lost answer not found yet), more than one match, already being added, no connection, a
  refused key, a list that could not be updated: one sentence each saying what happened and what to do next
  (``customer_edit.explain_add``, shared with the edit window, and :func:`explain_failure`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from pos_app.counter import AddInProgress, AddNotConfirmed, CustomerValidationError, LocalWriteDeferred
from pos_app.counter import gateway_errors as ps
from pos_app.ui.common.i18n import fmt
from pos_app.ui.common.ops import BackgroundOp
from pos_app.ui.common.theme import AMBER, GREEN, RED
from pos_app.ui.customers.customer_edit import (
    CustomerEditDialog,
    attr_for,
    explain_add,
    explain_save_error,
    field_labels,
)

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def explain_failure(exc: BaseException, now: datetime | None = None) -> str:
    """What the status line says when an add did not go through (fields aside)."""
    text = explain_add(exc, now)
    if text is not None:
        return text
    if isinstance(exc, LocalWriteDeferred):
        return translate("AddToPaySimple", "Added in PaySimple, but this counter's customer list could not be "
                         "updated now. Press Add to PaySimple again later: it finds them in PaySimple and links "
                         "them, never a second customer.")
    if isinstance(exc, ps.AuthenticationError | ps.PermissionDeniedError):
        return translate("AddToPaySimple", "PaySimple refused this counter's API key; nothing was added. Ask a "
                         "manager to check the PaySimple settings.")
    if isinstance(exc, ps.TransportError) and not exc.may_have_taken_effect:
        return translate("AddToPaySimple", "Could not reach PaySimple; nothing was added. Check the network "
                         "connection, then press Add to PaySimple again.")
    if isinstance(exc, ps.PaySimpleError):
        reason = fmt(translate("AddToPaySimple", "error %1"), exc.status) if exc.status else \
            translate("AddToPaySimple", "no answer")
        return fmt(translate("AddToPaySimple", "PaySimple could not add the customer (%1); nothing was added. "
                             "Try again in a minute."), reason)
    log.error("adding a customer failed unexpectedly", exc_info=(type(exc), exc, exc.__traceback__))
    return fmt(translate("AddToPaySimple", "The customer could not be added (%1). Press Add to PaySimple again: "
                         "it checks PaySimple first."), type(exc).__name__)


class AddOutcome(StrEnum):
    """How one "Add to PaySimple" ended (``AddToPaySimple.finished``). FOUND: an earlier try had reached
    PaySimple and that customer was linked; FIX: PaySimple refused details, the edit window opened."""

    ADDED = "added"
    FOUND = "found"
    FIX = "fix"
    FAILED = "failed"


@dataclass(frozen=True)
class _NeedsFix:
    """The worker's answer when PaySimple (or the local check) refused fields: the error and the stored row."""

    error: Exception
    stored: object


class AddToPaySimple(QObject):
    """See the module doc. ``say(text, colour)`` writes the customer page's status line; ``show_customer``
    shows a saved row (``SaleFlow.show_customer``)."""

    finished = Signal(str)  # an AddOutcome

    def __init__(self, button: QPushButton, say: Callable[[Callable[[], str], str], None],
                 show_customer: Callable[[object], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.button = button
        self.say = say
        self.show_customer = show_customer
        self.parent_widget = parent
        self.running: int | None = None  # local id being added
        self.dialog = None  # the edit window opened to fix refused fields

    def start(self, counter, hit) -> BackgroundOp | None:
        if counter is None or hit is None or not hit.local_only or self.running is not None:
            return None
        self.running = hit.id
        self.button.setEnabled(False)
        self._button_text(lambda: translate("AddToPaySimple", "Adding…"))
        self.say(lambda: fmt(translate("AddToPaySimple", "Adding %1 to PaySimple…"), hit.display_name), "#3e4c59")

        def work(ctx):
            try:
                return counter.add_to_paysimple(hit.id, progress=lambda d, t: ctx.progress(d, t, ""))
            except (CustomerValidationError, ps.InvalidInputError) as exc:
                return _NeedsFix(exc, counter.customer(hit.id))

        def progress(done: int, total: int, _text) -> None:
            if self.running == hit.id:
                self.say(lambda: fmt(translate("AddToPaySimple", "Checking PaySimple's customer list for %1… %2 of %3"),
                             hit.display_name, f"{done:,}", f"{total:,}"), "#3e4c59")

        return BackgroundOp(work, on_done=lambda r: self._done(counter, hit, r),
                            on_error=lambda e: self._failed(counter, e), on_progress=progress,
                            label="add to PaySimple").start()

    def _button_text(self, text: Callable[[], str]) -> None:
        """The button's words, kept by the page it is on (so a language switch says them again)."""
        self.button.parentWidget().live(self.button.setText, text)

    def _reset(self) -> None:
        self.running = None
        self._button_text(lambda: translate("CustomerPanel", "Add to PaySimple"))
        self.button.setEnabled(True)
        if self.button.isVisible() and self.button.window().isActiveWindow():
            self.button.setFocus()  # disabling it moved the keyboard away: Enter presses it again

    def _done(self, counter, hit, result) -> None:
        self._reset()
        if isinstance(result, _NeedsFix):
            self._fix(counter, result.error, result.stored)
            return
        added = result
        self.show_customer(added.customer)
        if added.how == "found":
            self.say(lambda: translate("AddToPaySimple", "Added to PaySimple: the earlier try had reached PaySimple, so "
                               "that customer was linked and nothing was added twice. Payments can be taken now."),
                     GREEN)
        else:
            self.say(lambda: translate("AddToPaySimple", "Added to PaySimple. Payments can be taken now."), GREEN)
        self.finished.emit(AddOutcome.FOUND if added.how == "found" else AddOutcome.ADDED)

    def _failed(self, counter, exc: BaseException) -> None:
        self._reset()
        colour = AMBER if isinstance(exc, AddNotConfirmed | AddInProgress) else RED
        self.say(lambda: explain_failure(exc, counter.now()), colour)
        self.finished.emit(AddOutcome.FAILED)

    def _fix(self, counter, exc, stored) -> None:
        """Name the refused fields on the status line and open the edit window with each message beside its
        field (saving there adds the customer)."""
        problem = explain_save_error(exc, creating=True)
        by_field, general = problem.by_field, problem.text
        fields = [a for a in (attr_for(f) for f in by_field) if a is not None]

        def text() -> str:
            labels = field_labels()
            return fmt(translate("AddToPaySimple", "PaySimple needs these details fixed first: %1. Correct them in "
                                 "the window that opened, then Save."),
                       ", ".join(labels[a] for a in fields) or general)

        self.say(text, RED)
        self.finished.emit(AddOutcome.FIX)
        if stored is None:
            return
        dialog = CustomerEditDialog(counter, self.parent_widget, customer=stored)
        dialog.show_problems(by_field, [general] if general and isinstance(exc, ps.InvalidInputError) else [])
        dialog.saved.connect(self._fixed)
        self.dialog = dialog
        dialog.open()

    def _fixed(self, stored) -> None:
        if stored is None:
            return
        self.show_customer(stored)
        self.say(lambda: translate("AddToPaySimple", "Added to PaySimple. Payments can be taken now."), GREEN)

"""New customer / Edit customer at the counter (Counter menu, Ctrl+N / Ctrl+E).

    dialog = CustomerEditDialog(backend, parent, customer=stored_or_None, prefill="what the clerk searched")
    dialog.saved.connect(lambda stored: ...)     # the directory row, after PaySimple accepted it
    dialog.open()

Decisions:
- Fields shown: first, last, company, phone, e-mail, account no., billing address (street, line 2, city,
  state, ZIP). Fields we do not show (middle name, alternate phone/e-mail, mobile, fax, country) are kept as
  they are on an edit; PaySimple-only fields (website, notes, shipping) are kept by ``update_customer``.
- Checked with PaySimple's own rules (``customers.counter.normalised`` + ``problems``) on the GUI thread
  before anything is sent (pure Python, microseconds); each message is shown under its field. Nothing is
  sent while any problem is left.
- Saving runs on a worker: ``CounterBackend.create_customer`` / ``update_customer`` (PaySimple first, then the
  directory; a PaySimple error leaves the directory untouched). The dialog stays open and locked while it
  runs; Cancel is disabled then (a write already sent cannot be called back).
- PaySimple's answers: 400 field messages go under their fields (others above the buttons); 404 on an
  edit = deleted in PaySimple meanwhile; 401 = the key was refused (a manager must fix Settings); a write
  whose reply was lost or a 5xx (``may_have_taken_effect``) says the customer MAY have been saved and to
  search for them before saving again (never a blind second create); no connection = nothing saved, check
  the network and press Save again. ``LocalWriteDeferred`` = saved in PaySimple, the list catches up at the
  next sync: the dialog closes and says so.
- Rule messages come from the core in English (``paysimple.rules``); labels and everything the dialog
  writes itself are translated.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pos_app.counter import (
    CustomerRecord,
    CustomerValidationError,
    LocalWriteDeferred,
    StoredCustomer,
    normalised,
    problems,
)
from pos_app.counter import gateway_errors as ps
from pos_app.ui.common.i18n import fmt
from pos_app.ui.common.ops import BackgroundOp
from pos_app.ui.common.theme import RED

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

# (record attribute, PaySimple field name as rules report it)
FIELDS: tuple[tuple[str, str], ...] = (
    ("first_name", "FirstName"),
    ("last_name", "LastName"),
    ("company", "Company"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("customer_account", "CustomerAccount"),
    ("street1", "BillingAddress.StreetAddress1"),
    ("street2", "BillingAddress.StreetAddress2"),
    ("city", "BillingAddress.City"),
    ("state_code", "BillingAddress.StateCode"),
    ("zip_code", "BillingAddress.ZipCode"),
)
_BY_API = {api: attr for attr, api in FIELDS}


def field_labels() -> dict[str, str]:
    return {
        "first_name": translate("CustomerEditDialog", "First name"),
        "last_name": translate("CustomerEditDialog", "Last name"),
        "company": translate("CustomerEditDialog", "Company"),
        "phone": translate("CustomerEditDialog", "Phone"),
        "email": translate("CustomerEditDialog", "E-mail"),
        "customer_account": translate("CustomerEditDialog", "Account no."),
        "street1": translate("CustomerEditDialog", "Billing street"),
        "street2": translate("CustomerEditDialog", "Street line 2"),
        "city": translate("CustomerEditDialog", "City"),
        "state_code": translate("CustomerEditDialog", "State"),
        "zip_code": translate("CustomerEditDialog", "ZIP code"),
    }


def attr_for(api_field: str) -> str | None:
    """The input a PaySimple field name belongs to ("BillingAddress.ZipCode" → zip_code), None if not shown."""
    if api_field in _BY_API:
        return _BY_API[api_field]
    tail = api_field.rsplit(".", 1)[-1]
    return _BY_API.get(f"BillingAddress.{tail}") if api_field.startswith("BillingAddress") else None


def prefill_record(text: str) -> dict[str, str]:
    """What the clerk searched for, as a starting point: an e-mail, a phone, or "First Last"."""
    text = text.strip()
    if not text:
        return {}
    if "@" in text:
        return {"email": text}
    if sum(ch.isdigit() for ch in text) >= 7 and not any(ch.isalpha() for ch in text):
        return {"phone": text}
    words = text.split()
    if len(words) == 1:
        return {"last_name": words[0].title() if words[0].islower() else words[0]}
    return {"first_name": words[0], "last_name": " ".join(words[1:])}


class CustomerEditDialog(QDialog):
    saved = Signal(object)          # StoredCustomer, or None when the directory write was deferred
    outcome = Signal(str)           # "saved" | "deferred" | "invalid" | "refused" | "failed" (tests)

    def __init__(self, backend, parent: QWidget | None = None, customer: StoredCustomer | None = None,
                 prefill: str = "") -> None:
        super().__init__(parent)
        self.backend = backend
        self.customer = customer
        self.busy = False
        self.result_customer: StoredCustomer | None = None
        self._op: BackgroundOp | None = None
        editing = customer is not None
        self.setWindowTitle(translate("CustomerEditDialog", "Edit customer") if editing
                            else translate("CustomerEditDialog", "New customer"))
        self.setMinimumWidth(560)

        layout = QVBoxLayout(self)
        self.intro = intro = QLabel(self)
        intro.setWordWrap(True)
        if editing and customer.local_only:
            intro.setText(translate("CustomerEditDialog", "This customer came from an import and is not in "
                                    "PaySimple yet. Saving creates them in PaySimple, so payments can be taken."))
        elif editing:
            intro.setText(translate("CustomerEditDialog", "Changes are saved in PaySimple first, then in this "
                                    "counter's customer list."))
        else:
            intro.setText(translate("CustomerEditDialog", "The customer is created in PaySimple first, then "
                                    "added to this counter's customer list. First and last name are required."))
        layout.addWidget(intro)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.inputs: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        labels = field_labels()
        start = customer.record if customer else CustomerRecord("", "")
        guess = {} if editing else prefill_record(prefill)
        for attr, _api in FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(f"edit_{attr}")
            edit.setAccessibleName(labels[attr])
            edit.setText(guess.get(attr) or getattr(start, attr) or "")
            edit.textEdited.connect(lambda _t, a=attr: self._clear_error(a))
            error = QLabel(self)
            error.setObjectName("fieldError")
            error.setStyleSheet(f"color: {RED}; font-weight: 600;")
            error.setWordWrap(True)
            error.hide()
            box = QWidget(self)
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(edit)
            column.addWidget(error)
            form.addRow(labels[attr], box)
            self.inputs[attr], self.errors[attr] = edit, error
        self.inputs["state_code"].setMaxLength(2)
        self.inputs["phone"].setPlaceholderText(translate("CustomerEditDialog", "digits, e.g. 303 555 0100"))
        self.inputs["email"].setPlaceholderText("name@example.com")
        layout.addLayout(form)

        self.message = QLabel(self)
        self.message.setObjectName("dialogMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)

        buttons = QDialogButtonBox(self)
        self.save_button = QPushButton(translate("CustomerEditDialog", "Save"), self)
        self.save_button.setObjectName("primary")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton(translate("CustomerEditDialog", "Cancel"), self)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.inputs["first_name"].setFocus()

    # ---- values -------------------------------------------------------------------------------------

    def record(self) -> CustomerRecord:
        """What is typed, on top of the customer being edited (fields not shown are kept)."""
        base = self.customer.record if self.customer else CustomerRecord("", "")
        values = {attr: self.inputs[attr].text() for attr, _api in FIELDS}
        return replace(base, **values)

    def show_problems(self, by_field: dict[str, str], general: list[str] | None = None) -> None:
        general = list(general or [])
        for attr, label in self.errors.items():
            label.hide()
            label.setText("")
            self.inputs[attr].setProperty("invalid", False)
        first = None
        for api_field, text in by_field.items():
            attr = attr_for(api_field)
            if attr is None:
                general.append(text)
                continue
            self.errors[attr].setText(text)
            self.errors[attr].show()
            self.inputs[attr].setProperty("invalid", True)
            first = first or attr
        for edit in self.inputs.values():
            edit.style().unpolish(edit)
            edit.style().polish(edit)
        self._say(" ".join(general), RED)
        self._fit()
        if first is not None:
            self.inputs[first].setFocus()

    def _fit(self) -> None:
        """Grow to show every (wrapped) message: top-level windows do not follow height-for-width alone."""
        layout = self.layout()
        layout.activate()
        width = max(self.width(), self.minimumWidth())
        height = layout.heightForWidth(width) if layout.hasHeightForWidth() else layout.sizeHint().height()
        if height > self.height():
            self.resize(width, height)

    def _clear_error(self, attr: str) -> None:
        if not self.errors[attr].isHidden():
            self.errors[attr].hide()
            self.inputs[attr].setProperty("invalid", False)
            self.inputs[attr].style().unpolish(self.inputs[attr])
            self.inputs[attr].style().polish(self.inputs[attr])

    def _say(self, text: str, color: str = "#3e4c59") -> None:
        self.message.setStyleSheet(f"color: {color}; font-weight: 600;")
        self.message.setText(text)

    # ---- saving -------------------------------------------------------------------------------------

    def save(self) -> None:
        if self.busy:
            return
        record = normalised(self.record())
        found = problems(record)
        if found:
            self.show_problems(CustomerValidationError(found).by_field())
            self.outcome.emit("invalid")
            return
        self.show_problems({})
        self._set_busy(True)
        self._say(translate("CustomerEditDialog", "Saving in PaySimple…"))
        backend, customer = self.backend, self.customer

        def work(_ctx):
            if customer is None:
                return backend.create_customer(record)
            return backend.update_customer(customer.id, record)

        self._op = BackgroundOp(work, on_done=self._saved, on_error=self._failed, label="save customer").start()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for edit in self.inputs.values():
            edit.setReadOnly(busy)
        self.save_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)

    def _saved(self, stored: StoredCustomer) -> None:
        self._set_busy(False)
        self.result_customer = stored
        self.saved.emit(stored)
        self.outcome.emit("saved")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        kind, by_field, text = explain_save_error(exc, creating=self.customer is None)
        if kind == "deferred":
            self.saved.emit(None)
            self.outcome.emit("deferred")
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self.parentWidget(), self.windowTitle(), text)
            self.accept()
            return
        self.show_problems(by_field, [text] if text else [])
        self.outcome.emit(kind)

    def reject(self) -> None:
        if self.busy:  # a write already on its way cannot be called back
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)


def explain_save_error(exc: BaseException, creating: bool) -> tuple[str, dict[str, str], str]:
    """(outcome, messages by PaySimple field, a sentence saying what happened and what to do next)."""
    if isinstance(exc, CustomerValidationError):
        return "invalid", exc.by_field(), ""
    if isinstance(exc, LocalWriteDeferred):
        from pos_app.storage_errors import StorageError

        text = translate("CustomerEditDialog", "Saved in PaySimple. This counter's customer list could not be "
                         "updated right now; the customer appears there after the next sync.")
        if isinstance(exc.__cause__, StorageError):  # say which file and what to do about it
            text += " " + str(exc.__cause__)
        return "deferred", {}, text
    if isinstance(exc, ps.InvalidInputError):
        by_field: dict[str, str] = {}
        general: list[str] = []
        for m in exc.messages:
            if attr_for(m.field) is not None:
                by_field.setdefault(m.field, m.message)
            else:
                general.append(m.message)
        lead = translate("CustomerEditDialog", "PaySimple refused the details; nothing was saved. Correct the "
                         "marked fields and press Save again.")
        return "refused", by_field, " ".join([lead, *general])
    if isinstance(exc, ps.NotFoundError) and not creating:
        return "refused", {}, translate("CustomerEditDialog", "PaySimple no longer has this customer (deleted "
                                        "meanwhile); nothing was saved. Close this window and search again.")
    if isinstance(exc, ps.AuthenticationError | ps.PermissionDeniedError):
        return "refused", {}, translate("CustomerEditDialog", "PaySimple refused this counter's API key; nothing "
                                        "was saved. Ask a manager to check the PaySimple settings.")
    if isinstance(exc, ps.PaySimpleError) and exc.may_have_taken_effect:
        if creating:
            text = translate("CustomerEditDialog", "PaySimple did not confirm the save (%1). The customer may "
                             "have been created anyway: search for them before saving again, so they are not "
                             "created twice.")
        else:
            text = translate("CustomerEditDialog", "PaySimple did not confirm the save (%1). The change may "
                             "have been saved anyway: search for the customer and check before saving again.")
        return "failed", {}, fmt(text, _reason(exc))
    if isinstance(exc, ps.TransportError):
        return "failed", {}, translate("CustomerEditDialog", "Could not reach PaySimple; nothing was saved. Check "
                                       "the network connection, then press Save again.")
    if isinstance(exc, ps.PaySimpleError):
        return "failed", {}, fmt(translate("CustomerEditDialog", "PaySimple could not save the customer (%1); "
                                           "nothing was saved. Try again in a minute."), _reason(exc))
    log.error("saving a customer failed unexpectedly", exc_info=(type(exc), exc, exc.__traceback__))
    return "failed", {}, fmt(translate("CustomerEditDialog", "The customer could not be saved (%1). Search for "
                                       "them before trying again."), type(exc).__name__)


def _reason(exc: ps.PaySimpleError) -> str:
    if exc.status:
        return fmt(translate("CustomerEditDialog", "error %1"), exc.status)
    return translate("CustomerEditDialog", "no answer")

"""New customer / Edit customer at the counter (Counter menu, Ctrl+N / Ctrl+E).

    dialog = CustomerEditDialog(counter, parent, customer=stored_or_None, prefill="what the clerk searched")
    dialog.saved.connect(lambda stored: ...)          # the directory row, after PaySimple accepted it
    dialog.openRequested.connect(lambda stored: ...)  # "Open" on a customer who may already exist
    dialog.open()

Decisions:
- Fields shown: first, last, company, phone, e-mail, account no., billing address (street, line 2, city,
  state, ZIP). Fields we do not show (middle name, alternate phone/e-mail, mobile, fax, country) are kept as
  they are on an edit; PaySimple-only fields (website, notes, shipping) are kept by ``update_customer``.
- Pre-filled from the search box (new customer): an e-mail, a phone, an account number, or a name in proper
  case ("luis garcia" → Luis / Garcia; McDonald, O'Brien, de la Cruz: ``pos_app.customers.names``, 0371).
- What is required when is said before anything is typed (0375): first and last name always (marked *); the
  billing address is optional, but once any part of it is filled in, street, city and ZIP code are needed
  (PaySimple's rule; their * appear then). State: a picker of US states that also takes a typed name or code
  ("Colorado" → CO), never cutting what was typed (0373). Phone: a US number, 10 digits, "+1" allowed (0374).
- Stable layout (0376): every field has a fixed row with a fixed message box beside it (two lines; the full
  text as tooltip); the notice line and the duplicate row above the buttons have reserved heights; the dialog
  has a fixed size. Showing or clearing a message never moves a field, so a click lands where it was aimed.
- Checked with the rules (``normalised`` + ``problems``: PaySimple's, and the counter's for what was typed) on
  the GUI thread before anything is sent (pure Python, microseconds); each message beside its field.
- New customer: before creating, the application layer looks for customers who may already exist (same name
  and the same phone or e-mail, on a worker, 0372). Found: "This customer may already exist" with the matches
  and "Open" (the default button then, Alt+O) for the first; "Save as new customer" creates it anyway. Changing
  the name, phone or e-mail checks again.
- Saving runs on a worker: ``create_customer`` / ``update_customer`` (PaySimple first, then the directory; an
  imported customer is added to PaySimple once: ``add_to_paysimple``). The dialog stays open and locked while
  it runs; Cancel is disabled then (a write already sent cannot be called back).
- PaySimple's answers: 400 field messages go beside their fields (others in the notice line); 404 on an
  edit = deleted in PaySimple meanwhile; 401 = the key was refused (a manager must fix Settings); a write
  whose reply was lost or a 5xx (``may_have_taken_effect``) says the customer MAY have been saved and to
  search for them before saving again (never a blind second create); no connection = nothing saved, check
  the network and press Save again. ``LocalWriteDeferred`` = saved in PaySimple, the list catches up at the
  next sync: the dialog closes and says so. An imported customer's add: ``add_to_paysimple.explain``.
- Rule messages come from the core as ``Message``s (``paysimple.rules``, ``customers.counter``) and are
  translated where they are shown (``tr``); PaySimple's own 400 messages are shown as PaySimple words them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QRect, QStringListModel, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pos_app.config import resources_dir
from pos_app.counter import (
    MIRRORED,
    US_STATES,
    AddAmbiguous,
    AddInProgress,
    AddNotConfirmed,
    CounterApi,
    CustomerRecord,
    CustomerValidationError,
    LocalWriteDeferred,
    StoredCustomer,
    format_phone,
    normalised,
    problems,
    split_typed_name,
    state_code,
)
from pos_app.counter import gateway_errors as ps
from pos_app.ui.common.i18n import Retranslating, fmt, tr
from pos_app.ui.common.ops import BackgroundOp
from pos_app.ui.common.theme import AMBER, RED

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

# The fields the form edits, in form order: (record attribute, PaySimple field name as its rules report it),
# from the one table of mirrored fields (customers.models.MIRRORED).
EDITED = ("first_name", "last_name", "company", "phone", "email", "customer_account", "street1", "street2", "city",
          "state_code", "zip_code")
FIELDS: tuple[tuple[str, str], ...] = tuple((name, {f.name: f for f in MIRRORED}[name].path) for name in EDITED)
_BY_API = {api: attr for attr, api in FIELDS}
ADDRESS = ("street1", "street2", "city", "state_code", "zip_code")
NEEDED_WITH_ADDRESS = ("street1", "city", "zip_code")
ALWAYS_NEEDED = ("first_name", "last_name")
MESSAGE_WIDTH = 400  # px: the message box beside each field (two lines of the message font)
FIELD_WIDTH = 300
MESSAGE_PX = 12


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
    """What the clerk searched for, as a starting point: an e-mail, a phone, an account number, or a name in
    proper case ("luis garcia" → first "Luis", last "Garcia")."""
    text = text.strip()
    if not text:
        return {}
    if "@" in text:
        return {"email": text}
    digits = sum(ch.isdigit() for ch in text)
    if digits >= 7 and not any(ch.isalpha() for ch in text):
        return {"phone": text}
    if digits:
        return {"customer_account": text}
    first, last = split_typed_name(text)
    return {k: v for k, v in (("first_name", first), ("last_name", last)) if v}


def duplicate_line(stored: StoredCustomer) -> str:
    """One customer who may already exist, as the dialog lists them: name · phone · e-mail · city."""
    r = stored.record
    parts = [stored.display_name, format_phone(r.phone), r.email or "", r.city or ""]
    if stored.local_only:
        parts.append(translate("CustomerEditDialog", "not in PaySimple yet"))
    return " · ".join(p for p in parts if p)


def shown_state(code: str) -> str:
    """How the picker lists a state in the UI language: "Nueva York (NY)"."""
    return f"{tr(US_STATES[code])} ({code})"


def typed_state(text: str) -> str:
    """The code for a state typed or picked in the UI language (or in English, or as a code); anything else as
    it was typed (the rules then say what is wrong with it)."""
    return state_code(text, {tr(name): code for code, name in US_STATES.items()}) or text


class StatePicker(Retranslating, QComboBox):
    """US states by name with their code ("Colorado (CO)"); typing a name, a code or part of a name works.
    What was typed is never cut: the value is read by ``state_code`` when saving."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statePicker")
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(12)
        self._names: dict[str, str] = {}  # name -> code in the language the list is in now
        labels = self._labels()
        self.addItems(labels)
        self._model = QStringListModel(labels, self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        self.setCurrentIndex(-1)
        arrow = (resources_dir() / "ui" / "down-arrow.png").as_posix()
        self.setStyleSheet(f"QComboBox#statePicker::down-arrow {{ image: url({arrow}); width: 10px; height: 6px; }}")
        self.live(self.lineEdit().setPlaceholderText, lambda: translate("CustomerEditDialog", "Name or code, e.g. Colorado or CO"))

    def _labels(self) -> list[str]:
        self._names = {tr(name): code for code, name in US_STATES.items()}
        return sorted((shown_state(code) for code in US_STATES), key=str.casefold)

    def retranslate(self) -> None:
        """The states' names in the current language; a state already picked or typed stays that state."""
        code = state_code(self.lineEdit().text(), self._names)
        text = self.lineEdit().text()
        super().retranslate()
        labels = self._labels()
        self.blockSignals(True)
        self.clear()
        self.addItems(labels)
        self._model.setStringList(labels)
        self.setCurrentIndex(-1)
        self.lineEdit().setText(shown_state(code) if code in US_STATES else text)
        self.blockSignals(False)

    def set_code(self, code: str | None) -> None:
        """Show a stored value: a known code as its label, anything else as it is."""
        self.setCurrentIndex(-1)
        self.lineEdit().setText(shown_state(code) if code in US_STATES else (code or ""))


class CustomerEditDialog(Retranslating, QDialog):
    saved = Signal(object)          # StoredCustomer, or None when the directory write was deferred
    openRequested = Signal(object)  # noqa: N815 - StoredCustomer: the clerk chose a customer who already exists
    outcome = Signal(str)           # a SaveOutcome (tests)

    def __init__(self, backend: CounterApi, parent: QWidget | None = None, customer: StoredCustomer | None = None,
                 prefill: str = "") -> None:
        super().__init__(parent)
        self.backend = backend
        self.customer = customer
        self.busy = False
        self.result_customer: StoredCustomer | None = None
        self.duplicates: list[StoredCustomer] = []
        self._accepted_duplicates: tuple | None = None  # the name/phone/e-mail the clerk saved as new anyway
        self._op: BackgroundOp | None = None
        editing = customer is not None
        self.live(self.setWindowTitle, lambda: translate("CustomerEditDialog", "Edit customer") if editing
                            else translate("CustomerEditDialog", "New customer"))

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.intro = intro = QLabel(self)
        intro.setWordWrap(True)

        def intro_text() -> str:
            required = translate("CustomerEditDialog", "First and last name are required (*). The billing address "
                                 "is optional; once any part of it is filled in, street, city and ZIP code are "
                                 "needed too.")
            if editing and customer.local_only:
                lead = translate("CustomerEditDialog", "This customer came from an import and is not in PaySimple "
                                 "yet. Saving adds them to PaySimple, so payments can be taken.")
            elif editing:
                lead = translate("CustomerEditDialog", "Changes are saved in PaySimple first, then in this "
                                 "counter's customer list.")
            else:
                lead = translate("CustomerEditDialog", "The customer is created in PaySimple first, then added "
                                 "to this counter's customer list.")
            return lead + " " + required

        self.live(intro.setText, intro_text)
        layout.addWidget(intro)
        self._problems: tuple[dict[str, str], list] = ({}, [])  # what show_problems shows (again on a switch)

        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnMinimumWidth(1, FIELD_WIDTH)
        self.inputs: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        self.labels: dict[str, QLabel] = {}
        labels = field_labels()
        start = customer.record if customer else CustomerRecord("", "")
        guess = {} if editing else prefill_record(prefill)
        message_font = QFont(self.font())
        message_font.setPixelSize(MESSAGE_PX)
        message_height = QFontMetrics(message_font).lineSpacing() * 2 + 2
        probe = QLineEdit()  # the app's style sheet decides a field's height
        probe.ensurePolished()
        field_height = probe.sizeHint().height()
        probe.deleteLater()
        row = 0
        for attr, _api in FIELDS:
            if attr == ADDRESS[0]:
                self.address_title = self.with_live(QLabel(self), lambda: translate("CustomerEditDialog", "Billing address (optional)"))
                self.address_title.setObjectName("sectionTitle")
                grid.addWidget(self.address_title, row, 0, 1, 3)
                row += 1
            if attr == "state_code":
                self.state_picker = StatePicker(self)
                self.state_picker.set_code(guess.get(attr) or start.state_code)
                edit = self.state_picker.lineEdit()
                widget: QWidget = self.state_picker
            else:
                edit = QLineEdit(self)
                edit.setText(guess.get(attr) or getattr(start, attr) or "")
                widget = edit
            edit.setObjectName(f"edit_{attr}")
            self.live(edit.setAccessibleName, lambda a=attr: field_labels()[a])
            widget.setFixedWidth(FIELD_WIDTH)
            widget.setFixedHeight(field_height)
            edit.textEdited.connect(lambda _t, a=attr: self._edited(a))
            caption = QLabel(labels[attr] + " *", self)
            caption.setBuddy(widget)
            error = QLabel(self)
            error.setObjectName("fieldError")
            error.setStyleSheet(f"color: {RED}; font-weight: 600; font-size: {MESSAGE_PX}px;")
            error.setWordWrap(True)
            error.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            error.setFixedSize(MESSAGE_WIDTH, message_height)
            grid.addWidget(caption, row, 0)
            grid.addWidget(widget, row, 1)
            grid.addWidget(error, row, 2)
            self.inputs[attr], self.errors[attr], self.labels[attr] = edit, error, caption
            row += 1
        self.state_picker.currentTextChanged.connect(lambda _t: self._edited("state_code"))
        self._fit_captions()
        self.live(self.inputs["phone"].setPlaceholderText, lambda: translate("CustomerEditDialog", "e.g. 303 555 0100 (+1 is fine)"))
        self.live(self.inputs["email"].setPlaceholderText, lambda: translate("CustomerEditDialog", "name@example.com"))
        layout.addLayout(grid)

        self.message = QLabel(self)
        self.message.setObjectName("dialogMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setFixedHeight(QFontMetrics(self.font()).lineSpacing() * 3 + 4)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.message)

        self.duplicate_row = QWidget(self)
        self.duplicate_row.setObjectName("duplicateRow")
        dup = QHBoxLayout(self.duplicate_row)
        dup.setContentsMargins(0, 0, 0, 0)
        self.open_button = QPushButton(self.duplicate_row)
        self.open_button.setObjectName("openExisting")
        self.open_button.clicked.connect(self._open_duplicate)
        self.open_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        dup.addWidget(self.open_button)
        dup.addStretch(1)
        self.duplicate_row.setFixedHeight(self.open_button.sizeHint().height() + 4)
        self.open_button.hide()
        layout.addWidget(self.duplicate_row)

        buttons = QDialogButtonBox(self)
        self.save_button = self.with_live(QPushButton(self), lambda: translate("CustomerEditDialog", "Save"))
        self.save_button.setObjectName("primary")
        self.save_button.setDefault(True)
        self.live(self.save_button.setText, lambda: translate("CustomerEditDialog", "Save as new customer"))
        self.save_button.ensurePolished()
        self.save_button.setMinimumWidth(self.save_button.sizeHint().width())  # its longer text moves nothing
        self.live(self.save_button.setText, lambda: translate("CustomerEditDialog", "Save"))
        self.cancel_button = self.with_live(QPushButton(self), lambda: translate("CustomerEditDialog", "Cancel"))
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self._mark_required()
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetFixedSize)  # never grows or shrinks
        self.inputs["first_name"].setFocus()

    # ---- values -------------------------------------------------------------------------------------

    def record(self) -> CustomerRecord:
        """What is typed, on top of the customer being edited (fields not shown are kept)."""
        base = self.customer.record if self.customer else CustomerRecord("", "")
        values = {attr: self.inputs[attr].text() for attr, _api in FIELDS}
        values["state_code"] = typed_state(values["state_code"])
        return replace(base, **values)

    def _fit_captions(self) -> None:
        """One width for every caption, measured with its " *", so a "*" appearing never widens the column."""
        labels = field_labels()
        captions = list(self.labels.items())
        for attr, caption in captions:
            caption.setText(labels[attr] + " *")
            caption.ensurePolished()
            caption.setMinimumWidth(0)
            caption.setMaximumWidth(16_777_215)
        width = max(caption.sizeHint().width() for _attr, caption in captions)
        for _attr, caption in captions:
            caption.setFixedWidth(width)

    def retranslate(self) -> None:
        """Captions, problems beside the fields, the duplicate notice and the message, in the current language;
        nothing typed changes."""
        said = self.__dict__.get("_live_texts", {}).get((id(self.message), "setText"))
        super().retranslate()
        if not hasattr(self, "save_button"):
            return  # still being built
        self._fit_captions()
        self._mark_required()
        by_field, general = self._problems
        self.show_problems(by_field, general, focus=False)
        if self.duplicates:
            self._show_duplicates(self.duplicates, focus=False)
        elif said is not None and not by_field and not general:
            self._say(said[1])

    def _mark_required(self) -> None:
        """Captions with * for what is needed now: names always, street/city/ZIP once the address is started."""
        labels = field_labels()
        address_started = any(self.inputs[a].text().strip() for a in ADDRESS)
        for attr, caption in self.labels.items():
            needed = attr in ALWAYS_NEEDED or (address_started and attr in NEEDED_WITH_ADDRESS)
            caption.setText(labels[attr] + (" *" if needed else ""))

    def show_problems(self, by_field: dict[str, str], general: list | None = None, focus: bool = True) -> None:
        """Each field's problem beside it, the others (texts, or callables in the UI language) in the notice."""
        self._problems = (dict(by_field), list(general or []))
        general = list(general or [])
        for attr in self.errors:
            self._set_error(attr, "")
        first = None
        for api_field, text in by_field.items():
            attr = attr_for(api_field)
            if attr is None:
                general.append(text)
                continue
            self._set_error(attr, text)
            first = first or attr
        self._say(lambda: " ".join(tr(text() if callable(text) else text) for text in general), RED)
        if first is not None and focus:
            self.inputs[first].setFocus()

    def shown_problems(self) -> dict[str, str]:
        """Field → the message beside it (tests and screenshots)."""
        return {attr: label.text() for attr, label in self.errors.items() if label.text()}

    def _set_error(self, attr: str, text: str) -> None:
        text = tr(text)  # the rules' sentences come from the core (pos_app.i18n_keys)
        label = self.errors[attr]
        label.setText(text)
        label.setToolTip(text)
        if text and QFontMetrics(label.font()).boundingRect(
                QRect(0, 0, label.width(), 10_000), Qt.TextFlag.TextWordWrap, text).height() > label.height():
            log.debug("message beside %s is longer than its box; full text in the tooltip", attr)
        widget = self.state_picker if attr == "state_code" else self.inputs[attr]
        for w in {widget, self.inputs[attr]}:
            w.setProperty("invalid", bool(text))
            w.style().unpolish(w)
            w.style().polish(w)

    def _edited(self, attr: str) -> None:
        if self.errors[attr].text():
            self._set_error(attr, "")
        if attr in ADDRESS:
            self._mark_required()
            if not any(self.inputs[a].text().strip() for a in ADDRESS):
                for a in NEEDED_WITH_ADDRESS:  # the address was emptied again: nothing is needed there
                    self._set_error(a, "")
        if attr in ("first_name", "last_name", "phone", "email") and self.duplicates:
            self._show_duplicates([])  # what the match was about changed: checked again at Save

    def _say(self, text: str | Callable[[], str], color: str = "#3e4c59") -> None:
        """The notice above the buttons (a callable follows a language switch)."""
        producer = text if callable(text) else (lambda: text)
        self.message.setStyleSheet(f"color: {color}; font-weight: 600;")
        self.live(self.message.setText, producer)
        self.live(self.message.setToolTip, producer)

    # ---- customers who may already exist -------------------------------------------------------------

    @staticmethod
    def _match_key(record: CustomerRecord) -> tuple:
        return (record.first_name.casefold(), record.last_name.casefold(), record.phone or "",
                (record.email or "").casefold())

    def _show_duplicates(self, found: list[StoredCustomer], focus: bool = True) -> None:
        self.duplicates = list(found)
        if not found:
            self.open_button.hide()
            self.live(self.save_button.setText, lambda: translate("CustomerEditDialog", "Save"))
            self.open_button.setDefault(False)
            self.save_button.setDefault(True)
            self._emphasise(self.save_button)
            if self.message.property("duplicates"):
                self._say("")
            self.message.setProperty("duplicates", False)
            return
        def notice() -> str:
            lines = [translate("CustomerEditDialog", "This customer may already exist:")]
            lines += [duplicate_line(s) for s in found[:2]]
            if len(found) > 2:
                lines.append(fmt(translate("CustomerEditDialog", "and %1 more"), len(found) - 2))
            return "\n".join(lines)

        self._say(notice, AMBER)
        self.message.setProperty("duplicates", True)
        self.live(self.open_button.setText, lambda: fmt(translate("CustomerEditDialog", "&Open %1"), found[0].display_name))
        self.open_button.show()
        self.live(self.save_button.setText, lambda: translate("CustomerEditDialog", "Save as new customer"))
        self.save_button.setDefault(False)
        self.open_button.setDefault(True)  # Enter opens the customer who exists; a new one needs a deliberate click
        self._emphasise(self.open_button)
        if focus:
            self.open_button.setFocus()

    def _emphasise(self, button: QPushButton) -> None:
        """The blue (primary) look goes to the button Enter presses."""
        for b in (self.save_button, self.open_button):
            b.setObjectName("primary" if b is button else ("openExisting" if b is self.open_button else "save"))
            b.style().unpolish(b)
            b.style().polish(b)

    def _open_duplicate(self) -> None:
        if self.busy or not self.duplicates:
            return
        chosen = self.duplicates[0]
        self.openRequested.emit(chosen)
        self.accept()

    # ---- saving -------------------------------------------------------------------------------------

    def save(self) -> None:
        if self.busy:
            return
        record = normalised(self.record())
        found = problems(record, self.customer.record if self.customer else None)
        self._mark_required()
        if found:
            self._show_duplicates([])
            self.show_problems(CustomerValidationError(found).by_field())
            self.outcome.emit("invalid")
            return
        self.show_problems({})
        self._mark_required()
        check = self.customer is None and self._accepted_duplicates != self._match_key(record)
        if self.customer is None and self.duplicates:
            self._accepted_duplicates = self._match_key(record)  # "Save as new customer" pressed
            check = False
        self._set_busy(True)
        self._say(lambda: translate("CustomerEditDialog", "Checking for this customer…") if check
                  else translate("CustomerEditDialog", "Saving in PaySimple…"))
        backend, customer = self.backend, self.customer

        def work(_ctx):
            if check:
                matches = backend.possible_duplicates(record)
                if matches:
                    return _Duplicates(tuple(matches))
            if customer is None:
                return backend.create_customer(record)
            return backend.update_customer(customer.id, record)

        self._op = BackgroundOp(work, on_done=self._done, on_error=self._failed, label="save customer").start()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for edit in self.inputs.values():
            edit.setReadOnly(busy)
        self.state_picker.setEnabled(not busy)
        self.save_button.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        self.open_button.setEnabled(not busy)

    def _done(self, result) -> None:
        self._set_busy(False)
        if isinstance(result, _Duplicates):
            self._show_duplicates(list(result.matches))
            self.outcome.emit(SaveOutcome.DUPLICATE)
            return
        self.result_customer = result
        self.saved.emit(result)
        self.outcome.emit(SaveOutcome.SAVED)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        problem = explain_save_error(exc, creating=self.customer is None, now=self.backend.now())
        if problem.outcome is SaveOutcome.DEFERRED:
            self.saved.emit(None)
            self.outcome.emit(SaveOutcome.DEFERRED)
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self.parentWidget(), self.windowTitle(), problem.text)
            self.accept()
            return
        creating, now = self.customer is None, self.backend.now()
        self.show_problems(problem.by_field,
                           [lambda: explain_save_error(exc, creating, now).text] if problem.text else [])
        self.outcome.emit(problem.outcome)

    def reject(self) -> None:
        if self.busy:  # a write already on its way cannot be called back
            return
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.busy:
            event.ignore()
            return
        super().closeEvent(event)


class SaveOutcome(StrEnum):
    """How a Save in the customer window ended (``CustomerEditDialog.outcome``). DEFERRED: saved in PaySimple,
    this counter's list follows at the next sync; INVALID: the local check refused fields; DUPLICATE: possible
    duplicates are shown first; REFUSED: PaySimple refused it (nothing saved); FAILED: not saved, or not known
    (the sentence says which)."""

    SAVED = "saved"
    DEFERRED = "deferred"
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    REFUSED = "refused"
    FAILED = "failed"


@dataclass(frozen=True)
class SaveProblem:
    """Why a save did not end as SAVED: the outcome, messages by PaySimple field, and a sentence saying what
    happened and what to do next."""

    outcome: SaveOutcome
    by_field: dict[str, str] = field(default_factory=dict)
    text: str = ""


@dataclass(frozen=True)
class _Duplicates:
    """The save worker found possible duplicates (nothing saved yet)."""

    matches: tuple


def explain_save_error(exc: BaseException, creating: bool, now: datetime | None = None) -> SaveProblem:
    """What ``exc`` means for a save; ``now`` (the counter's clock) turns an unconfirmed add's time into "in about
    N min"."""
    added = explain_add(exc, now)
    if added is not None:
        return SaveProblem(SaveOutcome.FAILED, {}, added)
    if isinstance(exc, CustomerValidationError):
        return SaveProblem(SaveOutcome.INVALID, exc.by_field(), "")
    if isinstance(exc, LocalWriteDeferred):
        from pos_app.storage_errors import StorageError

        text = translate("CustomerEditDialog", "Saved in PaySimple. This counter's customer list could not be "
                         "updated right now; the customer appears there after the next sync.")
        if isinstance(exc.__cause__, StorageError):  # say which file and what to do about it
            text += " " + str(exc.__cause__)
        return SaveProblem(SaveOutcome.DEFERRED, {}, text)
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
        return SaveProblem(SaveOutcome.REFUSED, by_field, " ".join([lead, *general]))
    if isinstance(exc, ps.NotFoundError) and not creating:
        return SaveProblem(SaveOutcome.REFUSED, {}, translate("CustomerEditDialog", "PaySimple no longer has this customer (deleted "
                                        "meanwhile); nothing was saved. Close this window and search again."))
    if isinstance(exc, ps.AuthenticationError | ps.PermissionDeniedError):
        return SaveProblem(SaveOutcome.REFUSED, {}, translate("CustomerEditDialog", "PaySimple refused this counter's API key; nothing "
                                        "was saved. Ask a manager to check the PaySimple settings."))
    if isinstance(exc, ps.PaySimpleError) and exc.may_have_taken_effect:
        if creating:
            text = translate("CustomerEditDialog", "PaySimple did not confirm the save (%1). The customer may "
                             "have been created anyway: search for them before saving again, so they are not "
                             "created twice.")
        else:
            text = translate("CustomerEditDialog", "PaySimple did not confirm the save (%1). The change may "
                             "have been saved anyway: search for the customer and check before saving again.")
        return SaveProblem(SaveOutcome.FAILED, {}, fmt(text, _reason(exc)))
    if isinstance(exc, ps.TransportError):
        return SaveProblem(SaveOutcome.FAILED, {}, translate("CustomerEditDialog", "Could not reach PaySimple; nothing was saved. Check "
                                       "the network connection, then press Save again."))
    if isinstance(exc, ps.PaySimpleError):
        return SaveProblem(SaveOutcome.FAILED, {}, fmt(translate("CustomerEditDialog", "PaySimple could not save the customer (%1); "
                                           "nothing was saved. Try again in a minute."), _reason(exc)))
    log.error("saving a customer failed unexpectedly", exc_info=(type(exc), exc, exc.__traceback__))
    return SaveProblem(SaveOutcome.FAILED, {}, fmt(translate("CustomerEditDialog", "The customer could not be saved (%1). Search for "
                                       "them before trying again."), type(exc).__name__))


def explain_add(exc: BaseException, now: datetime | None = None) -> str | None:
    """The sentence for an add's outcome that only an add has (None for the errors a create shares)."""
    if isinstance(exc, AddNotConfirmed):
        wait = (exc.check_after - now).total_seconds() if now is not None else 0
        if wait > 1:
            minutes = max(1, round(wait / 60))
            when = fmt(translate("AddToPaySimple", "in about %1 min (after %2)"), minutes,
                       exc.check_after.astimezone().strftime("%H:%M:%S"))
            return fmt(translate("AddToPaySimple", "PaySimple did not confirm the add, and the customer is not in "
                                 "PaySimple's list yet; nothing was sent twice. Press Add to PaySimple again %1: "
                                 "it checks PaySimple first and adds them only if they are not there."), when)
        return translate("AddToPaySimple", "PaySimple could not be checked for this customer; nothing was sent "
                         "twice. Press Add to PaySimple again: it checks PaySimple first and adds them only if "
                         "they are not there.")
    if isinstance(exc, AddAmbiguous):
        return fmt(translate("AddToPaySimple", "PaySimple has %1 customers matching what was sent (%2); nothing "
                             "more was added. A manager should check them in PaySimple and remove the extra one."),
                   len(exc.paysimple_ids), ", ".join(f"#{i}" for i in exc.paysimple_ids))
    if isinstance(exc, AddInProgress):
        return translate("AddToPaySimple", "This customer is being added to PaySimple right now (another window "
                         "or counter). Wait a moment, then search for them again.")
    return None


def _reason(exc: ps.PaySimpleError) -> str:
    if exc.status:
        return fmt(translate("CustomerEditDialog", "error %1"), exc.status)
    return translate("CustomerEditDialog", "no answer")

"""Typed errors of the application layer (what screens catch), in one place.

The counter's own refusals are defined here; the core's errors a screen must tell apart are re-exported so
screens import them from ``pos_app.counter`` only.
"""

from __future__ import annotations

from pos_app.clerks import ApprovalPaused, ApprovalWait, ClerkError, ClerkFileTampered, LockedOut, WrongPin
from pos_app.clerks import NotAllowed as ClerkNotAllowed
from pos_app.counter.guard import GuiThreadCall
from pos_app.customers.counter import CustomerValidationError, LocalWriteDeferred
from pos_app.customers.csv_import import CsvColumnsError, CsvImportError
from pos_app.customers.paysimple_add import AddAmbiguous, AddNotConfirmed
from pos_app.customers.store import AddInProgress
from pos_app.i18n_keys import N_
from pos_app.payments import LaneBusy, NotAllowed, NotSent, NotSignedIn, PaymentError
from pos_app.payments.backups import RestoreRefused
from pos_app.paysimple import errors as gateway_errors
from pos_app.storage_errors import JournalCorrupt, StorageError

FOREIGN_ACCOUNT = N_("Counter", "That card or bank account does not belong to the selected customer; nothing was "
                                "charged.")
NO_TRAINING_GATEWAY = N_("Counter", "Training mode needs the training gateway, which is not installed here. Install "
                                    "it with: pip install 'pos-app[training]' (scripts/pos.sh run does), or start "
                                    "Sandbox/Live.")
NO_CREDENTIALS = N_("Counter", "There are no API credentials for this environment: run the set-up first.")


class ForeignAccount(Exception):
    """The account id the page sent does not belong to the selected customer. Nothing is charged."""

    def __init__(self) -> None:
        super().__init__(FOREIGN_ACCOUNT)


class TrainingUnavailable(RuntimeError):
    """Training mode needs the ``training`` extra (the in-app gateway); the message says how to add it."""

    def __init__(self) -> None:
        super().__init__(NO_TRAINING_GATEWAY)


class MissingCredentials(RuntimeError):
    """Sandbox/Live was asked to start without an API user and key; run the set-up first."""

    def __init__(self) -> None:
        super().__init__(NO_CREDENTIALS)


__all__ = [
    "AddAmbiguous", "AddInProgress", "AddNotConfirmed", "ApprovalPaused", "ApprovalWait", "ClerkError",
    "ClerkFileTampered", "ClerkNotAllowed", "CsvColumnsError", "CsvImportError",
    "CustomerValidationError", "ForeignAccount", "GuiThreadCall", "JournalCorrupt", "LaneBusy",
    "LocalWriteDeferred", "LockedOut", "MissingCredentials", "NotAllowed", "NotSent", "NotSignedIn", "PaymentError", "RestoreRefused",
    "StorageError", "TrainingUnavailable", "WrongPin", "gateway_errors",
]

"""What ``pos_app.counter`` exports: the application service, its protocol, events, errors, and the domain
types the screens need, each from its one home. ``pos_app.counter`` loads each name on first use (PEP 562), so
importing a screen does not load the core (start-up time: the window shows before the core loads).

Screens import these names from ``pos_app.counter`` only (tests/test_architecture.py enforces it; the
whitelist of pure helpers is in docs/decisions/0321-screens-import-only-the-counter.md).
"""

from __future__ import annotations

EXPORTS: dict[str, tuple[str, str]] = {}  # exported name -> (module, name in that module)


def _add(module: str, *names: str) -> None:
    for name in names:
        exported, _, original = name.partition("=")
        EXPORTS[exported] = (module, original or exported)


# the application layer itself
_add("pos_app.counter.api", "ApiAccess", "Approve", "ChargeOutcome", "CounterApi", "CounterStart", "LastCharge", "PaymentsApi",
     "ReceiptMail", "StartupNotices")
_add("pos_app.counter.clerks", "ClerksApi", "LocalClerks", "SignedIn")
_add("pos_app.counter.local", "Counter", "StoreEnvironmentChanged", "data_paths")
_add("pos_app.counter.remote", "RemoteCounter", "StoreAccess", "StoreServerRefused", "StoreServerUnreachable", "enroll_counter")
_add("pos_app.serverlink.client", "CertificateChanged", "EnrollmentFailed", "ServerRefused", "ServerUnreachable",
     "StoreUrlError")
_add("pos_app.serverlink.enrollment", "CodeFormatError")
_add("pos_app.counter.guard", "GuiThreadCall", "set_gui_thread_guard")
_add("pos_app.counter.setup", "Setup", "StoreEnrollment", "check_connection", "check_store_url", "restore_journal")
_add("pos_app.counter.events", "AccountsChanged", "ClerksChanged", "ClerkSignedIn", "ClerkSignedOut", "CounterEvent",
     "CustomerSaved", "CustomersImported", "CustomersSynced", "EventBus", "PaymentRecorded", "PaymentResolved",
     "SettingsChanged")
_add("pos_app.counter.errors", "ForeignAccount", "MissingCredentials", "TrainingUnavailable")
# customers
_add("pos_app.customers.models", "MIRRORED", "CustomerHit", "CustomerRecord", "StoredCustomer")
_add("pos_app.customers.counter", "CustomerValidationError", "LocalWriteDeferred", "normalised", "problems")
_add("pos_app.customers.paysimple_add", "AddAmbiguous", "AddNotConfirmed", "Added")
_add("pos_app.customers.store", "AddInProgress")
_add("pos_app.customers.names", "proper_case", "split_typed_name")
_add("pos_app.customers.normalize", "format_phone")
_add("pos_app.customers.us_states", "US_STATES", "state_code", "state_label=label")
_add("pos_app.customers.csv_import", "CsvColumnsError", "CsvImportError", "ImportReport")
# payments
_add("pos_app.payments", "Approval", "Attempt", "CustomerRef", "EodReport", "LaneBusy", "NotAllowed", "NotSent",
     "NotSignedIn", "PaymentError", "Receipt", "ReversalOption", "State", "StatusEvent", "receipt_for",
     "store_timezone")
_add("pos_app.payments.gateway", "PaymentStatus")
_add("pos_app.payments.model", "OPEN_STATES", "PENDING_REVERSAL_STATES")
_add("pos_app.payments.onfile", "DECLINED_REASON", "REFUSED_REASON", "OnFileRecord")
_add("pos_app.payments.store", "OnFileState")
_add("pos_app.payments.receipts", "EMAILABLE_STATES", "STATUS_TEXT", "ReceiptEmailError")
_add("pos_app.payments.brands", "authorization_code", "brand_name")
_add("pos_app.payments.declines", "decline_reason", "declined_because")
_add("pos_app.payments.backups", "RestoreRefused", "RestoreReport", "describe_backup=describe",
     "latest_backup", "backup_dir")
# accounts and gateway errors (the client's typed errors; screens tell them apart by type, never by text)
_add("pos_app.paysimple", "AchAccount", "CreditCardAccount", "CustomerAccounts", "AuthenticationError",
     "PaySimpleError", "PermissionDeniedError", "RequestTimeout", "ServerError", "TransportError",
     "gateway_errors=errors")
# clerks: values and typed refusals (the calls are ClerksApi's; the clerk file itself is never exported)
_add("pos_app.clerks", "PIN_MAX", "PIN_MIN", "TRAINING_CLERK", "TRAINING_MANAGER", "ApprovalPaused",
     "ApprovalWait", "Clerk", "ClerkError", "ClerkFileTampered", "ClerkNotAllowed=NotAllowed", "LockedOut",
     "ManagerAction", "Role", "WrongPin", "validate_pin")
# settings and set-up values (loading, saving, keys and reports are Setup's calls)
_add("pos_app.settings", "Merchant", "Settings", "take_set_aside")  # damaged files set aside (memory only)
_add("pos_app.credentials", "KeyringUnavailable")
_add("pos_app.conformance", "ConformanceReport")
_add("pos_app.storage_errors", "CHECK_FAILED", "Fault", "JournalCorrupt", "StorageError", "What",
     "probe_folder", "set_describer", "storage_errors")

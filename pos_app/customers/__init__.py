"""Customers: the records of record behind one seam (``CustomerStore``), the counter's SQLite directory with
its search as you type, the PaySimple sync, CSV import, counter create/edit and the change feed. No Qt.

    from pos_app.customers import Directory, sync, import_csv, create_customer, update_customer
    directory = Directory.open_default()            # app_paths().directory_db (a CustomerStore + search index)
    hits = directory.search("smi jo")               # list[CustomerHit], ranked, at most 50
    directory.mark_seen(hits[0].id)                 # served at this counter: ranks first next time
    sync(store, client, progress=cb, cancel=event)            -> SyncReport      (any CustomerStore)
    import_csv(store, path, progress=cb, cancel=event)        -> ImportReport (+ report file)
    create_customer(store, client, CustomerRecord(...))       -> StoredCustomer
    add_to_paysimple(store, client, local_id)                 -> Added (an imported customer, never twice)
    store.changes(after=position, limit=1000)                 -> ChangePage(changes, next_position)

    from pos_app.customers.pg_store import PgCustomerStore    # PostgreSQL (the ``store`` extra)
    from pos_app.customers.replica import follow              # a SQLite directory kept from a store's feed

Module docs hold the decisions: ``store`` (the seam, the feed's contract), ``plan`` (what a write does, for
every backend), ``search`` (routing, ranking, bounded work), ``directory`` (threads, deferred indexing, the
SQLite feed), ``pg_store`` (the PostgreSQL feed), ``schema`` (tables, migrations), ``sync`` (resume,
deletions), ``csv_import`` (columns, duplicates, encodings), ``counter`` (write order, failures, counter rules,
duplicates), ``paysimple_add`` (adding an imported customer once), ``names`` (proper case), ``us_states``,
``normalize`` (folding, phones).
"""

from pos_app.customers.counter import (
    CustomerValidationError,
    LocalWriteDeferred,
    create_customer,
    possible_duplicates,
    update_customer,
)
from pos_app.customers.csv_import import CsvColumnsError, CsvImportError, ImportReport, RowProblem, import_csv
from pos_app.customers.directory import Directory
from pos_app.customers.models import CustomerHit, CustomerRecord, StoredCustomer
from pos_app.customers.paysimple_add import AddAmbiguous, Added, AddNotConfirmed, add_to_paysimple
from pos_app.customers.store import (
    AddInProgress,
    Change,
    ChangePage,
    CustomerStore,
    ImportCounts,
    ImportRow,
    UpsertCounts,
)
from pos_app.customers.sync import SyncAlreadyRunning, SyncReport, sync

__all__ = [
    "AddAmbiguous",
    "AddInProgress",
    "AddNotConfirmed",
    "Added",
    "Change",
    "ChangePage",
    "CsvColumnsError",
    "CsvImportError",
    "CustomerHit",
    "CustomerRecord",
    "CustomerStore",
    "CustomerValidationError",
    "Directory",
    "ImportCounts",
    "ImportReport",
    "ImportRow",
    "LocalWriteDeferred",
    "RowProblem",
    "StoredCustomer",
    "SyncAlreadyRunning",
    "SyncReport",
    "UpsertCounts",
    "add_to_paysimple",
    "create_customer",
    "import_csv",
    "possible_duplicates",
    "sync",
    "update_customer",
]

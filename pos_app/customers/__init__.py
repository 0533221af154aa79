"""Local customer directory: SQLite (WAL) mirror of PaySimple customers, search as you type, sync, CSV
import, counter create/edit. No Qt.

    from pos_app.customers import Directory, sync, import_csv, create_customer, update_customer
    directory = Directory.open_default()            # app_paths().directory_db
    hits = directory.search("smi jo")               # list[CustomerHit], ranked, at most 50
    directory.mark_seen(hits[0].id)                 # served at this counter: ranks first next time
    sync(directory, client, progress=cb, cancel=event)        -> SyncReport
    import_csv(directory, path, progress=cb, cancel=event)    -> ImportReport (+ report file)
    create_customer(directory, client, CustomerRecord(...))   -> StoredCustomer
    add_to_paysimple(directory, client, local_id)             -> Added (an imported customer, never twice)

Module docs hold the decisions: ``search`` (routing, ranking, bounded work), ``directory`` (threads,
deferred indexing), ``schema`` (tables, migrations), ``sync`` (resume, deletions), ``csv_import``
(columns, duplicates, encodings), ``counter`` (write order, failures, counter rules, duplicates),
``paysimple_add`` (adding an imported customer once), ``names`` (proper case), ``us_states``, ``normalize``
(folding, phones).
"""

from pos_app.customers.counter import (
    CustomerValidationError,
    LocalWriteDeferred,
    create_customer,
    possible_duplicates,
    update_customer,
)
from pos_app.customers.csv_import import CsvColumnsError, CsvImportError, ImportReport, RowProblem, import_csv
from pos_app.customers.directory import Directory, UpsertCounts
from pos_app.customers.models import CustomerHit, CustomerRecord, StoredCustomer
from pos_app.customers.paysimple_add import (
    AddAmbiguous,
    Added,
    AddInProgress,
    AddNotConfirmed,
    add_to_paysimple,
)
from pos_app.customers.sync import SyncAlreadyRunning, SyncReport, sync

__all__ = [
    "AddAmbiguous",
    "AddInProgress",
    "AddNotConfirmed",
    "Added",
    "CsvColumnsError",
    "CsvImportError",
    "CustomerHit",
    "CustomerRecord",
    "CustomerValidationError",
    "Directory",
    "ImportReport",
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

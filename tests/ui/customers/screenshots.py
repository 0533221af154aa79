"""Render the counter's customer dialogs to docs/screenshots/4x-*.png (offscreen, the app's style).

    .venv/bin/python -m tests.ui.customers.screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.fixtures.screenshots import OUT, save, settle  # noqa: E402

SAMPLE = """First Name,Last Name,Phone,E-mail,Loyalty #,City
Ada,Lovelace,(303) 555-0100,ada@example.com,L-1,Boulder
Alan,Turing,303.555.0101,alan@example.com,L-2,Denver
Grace,Hopper,,grace@,L-3,Arlington
,Nobody,3035550102,nobody@example.com,L-4,
Edsger,Dijkstra,3035550103,,L-1,Austin
Barbara,Liskov,3035550104,barbara@example.com,L-5,Boston
"""


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from pos_app.config import Environment, app_paths
    from pos_app.counter import Counter, CounterStart
    from pos_app.customers.models import CustomerRecord
    from pos_app.ui.common.i18n import install_translator
    from pos_app.ui.common.theme import STYLE
    from pos_app.ui.customers.csv_import_dialog import CsvImportDialog
    from pos_app.ui.customers.customer_edit import CustomerEditDialog

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE)
    OUT.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="pos-shots-"))
    os.environ["POS_APP_HOME"] = str(home)


    backend = Counter.open(CounterStart(Environment.TRAINING, app_paths(home).ensure(), demo_customers=12, in_memory=True))
    backend.sign_in("Trainee", "0000")
    try:
        good = home / "old-register.csv"
        good.write_text(SAMPLE, encoding="utf-8")
        wrong = home / "phones.csv"
        wrong.write_text("Phone,Email,Notes\n3035550100,a@example.com,x\n", encoding="utf-8")
        for lang in ("en", "es"):
            install_translator(app, lang)
            suffix = "" if lang == "en" else "-es"

            new = CustomerEditDialog(backend, prefill="Grace Hopper")
            new.inputs["phone"].setText("555-0100-12345")
            new.inputs["email"].setText("grace@")
            new.inputs["street1"].setText("1 Navy Way")
            new.save()
            save(new, f"40-new-customer-invalid{suffix}.png")
            new.close()

            stored = backend.create_customer(CustomerRecord("Edsger", "Dijkstra", phone="3035550001",
                                                            email="edsger@example.com", city="Austin",
                                                            street1="1 University Ave", state_code="TX",
                                                            zip_code="78712"))
            edit = CustomerEditDialog(backend, customer=stored)
            edit.inputs["company"].setText("Eindhoven University")
            backend.gateway.faults.add("GET", "/v4/customer/*", "error_before", count=5)
            edit.save()
            settle(until=lambda e=edit: not e.busy)
            save(edit, f"41-edit-customer-gateway-error{suffix}.png")
            edit.close()

            dialog = CsvImportDialog(backend)
            dialog.set_file(good)
            dialog.start()
            settle(until=lambda d=dialog: d.report is not None)
            save(dialog, f"42-csv-import-summary{suffix}.png")
            dialog.set_file(wrong)
            dialog.start()
            settle(until=lambda d=dialog: not d.running)
            save(dialog, f"43-csv-import-wrong-columns{suffix}.png")
            dialog.close()

            from pos_app.config import Environment
            from pos_app.paysimple import CreditCardInput
            from pos_app.ui.counter.main_window import MainWindow

            window = MainWindow(Environment.TRAINING, "LANE1")
            window.set_locked(False)
            window.resize(1280, 800)
            window.show()
            window.counter = backend   # no attach_backend: the payment view is not needed for this picture
            window._set_enabled_for_backend(True)
            backend.client.create_credit_card(CreditCardInput(
                customer_id=stored.paysimple_id, credit_card_number="4111111111111111",
                expiration_date="12/2031", billing_zip_code="78712", is_default=True))
            window.search.setText("Dijkstra")
            settle(until=lambda w=window: w.results.count() > 0)
            window.select_current_hit()
            window.customer_page.amount.edit.setText("21.00")
            settle(until=lambda w=window: w.customer_page.methods.topLevelItemCount() > 0)
            save(window, f"44-customer-ready-to-charge{suffix}.png")
            window.counter = None
            window.shutdown()
            window.close()
        install_translator(app, "en")
    finally:
        backend.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

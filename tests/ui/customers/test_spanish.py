"""The customer dialogs and their menu entries in Spanish (the shipped .qm)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from pos_app.ui.customers.csv_import_dialog import CsvImportDialog
from pos_app.ui.customers.customer_edit import CustomerEditDialog


def test_customer_dialogs_in_spanish(qtbot, backend, spanish, tmp_path):
    edit = CustomerEditDialog(backend, prefill="Ada Lovelace")
    qtbot.addWidget(edit)
    edit.show()
    assert edit.windowTitle() == "Cliente nuevo" and edit.save_button.text() == "Guardar"
    labels = {w.text().removesuffix(" *") for w in edit.findChildren(QLabel)}  # required fields are marked
    assert {"Nombre", "Apellido", "Teléfono", "Correo", "Código postal"} <= labels
    edit.inputs["email"].setText("ada@")
    edit.save()
    assert edit.errors["email"].text()
    source = tmp_path / "x.csv"
    source.write_text("Phone\n3035550100\n", encoding="utf-8")
    dialog = CsvImportDialog(backend)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Importar clientes desde CSV" and dialog.import_button.text() == "Importar"
    dialog.set_file(source)
    with qtbot.waitSignal(dialog.finished_import, timeout=10_000):
        dialog.start()
    assert dialog.summary.text().startswith("Columnas incorrectas") and "No se importó nada" in dialog.summary.text()

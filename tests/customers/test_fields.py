"""The one table of mirrored customer fields (``customers.models.MIRRORED``) against the parts that use it: the
record, the client's wire models, the training gateway over TCP, the directory's file and the CSV import."""

from __future__ import annotations

import dataclasses

from pos_app.customers import import_csv, sync
from pos_app.customers.models import MIRRORED, RECORD_FIELDS, CustomerRecord
from pos_app.customers.rows import ROW_COLUMNS
from pos_app.paysimple.models import Address, CustomerFields, CustomerInput

EVERY_FIELD = CustomerRecord(
    first_name="Ada", last_name="Lovelace", middle_name="King", company="Analytical Engines",
    customer_account="ACC-0042", email="ada@example.com", alt_email="countess@example.com",
    phone="3035550100", alt_phone="3035550101", mobile_phone="3035550102", fax="3035550103",
    street1="12 St James's Square", street2="Flat 2", city="Denver", state_code="CO", zip_code="80202",
    country="US")


def test_the_table_names_every_mirrored_record_field_once_and_only_real_wire_attributes():
    names = [f.name for f in MIRRORED]
    assert len(set(names)) == len(names)
    assert set(names) == set(RECORD_FIELDS) - {"paysimple_id", "last_modified", "deleted"}
    person_attrs = {f.name for f in dataclasses.fields(CustomerFields)}
    address_attrs = {f.name for f in dataclasses.fields(Address)}
    assert {f.attr for f in MIRRORED if not f.address} <= person_attrs
    assert {f.attr for f in MIRRORED if f.address} == address_attrs
    body = CustomerInput("A", "B", billing_address=Address(city="X")).to_json()
    assert {f.key for f in MIRRORED if not f.address} <= set(body)
    assert {f.key for f in MIRRORED if f.address} == set(body["BillingAddress"])


def test_the_names_the_rules_report_come_from_the_table_and_the_edit_form_uses_them():
    """A PaySimple rule names a field by its path in the customer body; the edit form finds its input by that
    path through the same table (no second list of the mapping)."""
    from pos_app.paysimple import rules
    from pos_app.paysimple.models import CustomerInput
    from pos_app.ui.customers.customer_edit import EDITED, FIELDS

    for f in MIRRORED:
        if f.address:
            assert f.path == f"BillingAddress.{f.key}" and f.key in rules.ADDRESS_LABELS["BillingAddress"]
        else:
            assert f.path == f.key and f.key in rules.LABELS
    assert [attr for attr, _path in FIELDS] == list(EDITED)
    reported = {m.field for m in rules.validate_customer(CustomerInput(
        "", "", billing_address=Address(street_address1="x" * 300, city="x" * 300, zip_code="1")).to_json())}
    paths = dict(FIELDS)
    assert reported and reported <= set(paths.values())  # every field a rule names has its input on the form


def test_every_field_goes_to_the_gateway_and_comes_back_through_a_sync(client, directory):
    """Written with the record's own ``to_input``, read back by the client and mirrored by a real sync: a field
    missing from any mapping on the way comes back empty and fails here."""
    assert all(getattr(EVERY_FIELD, f.name) for f in MIRRORED)
    created = client.create_customer(EVERY_FIELD.to_input())
    assert sync(directory, client).complete
    stored = directory.get_by_paysimple_id(created.id)
    assert stored is not None
    assert dataclasses.replace(stored.record, paysimple_id=None, last_modified=None) == EVERY_FIELD
    again = CustomerRecord.from_paysimple(client.get_customer(created.id))
    assert again == stored.record


def test_the_directory_file_has_a_column_for_every_row_field(directory):
    info = {r[1]: r[3] for r in directory.connection().execute("PRAGMA table_info(customers)")}
    assert set(info) == {*ROW_COLUMNS, "words", "keys", "change_pos"}
    required = {f.name for f in dataclasses.fields(CustomerRecord)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    assert required == {"first_name", "last_name"}
    assert all(info[name] == 1 for name in required)  # NOT NULL


def test_a_csv_row_with_every_field_becomes_the_same_record(tmp_path, directory):
    headers = {"first_name": "First Name", "last_name": "Last Name", "middle_name": "Middle Name",
               "company": "Company", "customer_account": "Account Number", "email": "Email",
               "alt_email": "Alternate Email", "phone": "Phone", "alt_phone": "Alternate Phone",
               "mobile_phone": "Mobile", "fax": "Fax", "street1": "Address 1", "street2": "Address 2",
               "city": "City", "state_code": "State", "zip_code": "Zip", "country": "Country"}
    assert set(headers) == {f.name for f in MIRRORED}
    path = tmp_path / "old-pos.csv"
    row = [getattr(EVERY_FIELD, name) for name in headers]
    path.write_text(",".join(headers.values()) + "\n" + ",".join(f'"{v}"' for v in row) + "\n", encoding="utf-8")
    report = import_csv(directory, path)
    assert report.problems == [] or all(p.kind == "warning" for p in report.problems), report.problems
    [hit] = directory.search("lovelace")
    assert directory.get(hit.id).record == EVERY_FIELD  # local-only: no PaySimple id, no last_modified

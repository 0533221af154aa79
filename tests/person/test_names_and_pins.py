"""Issue 13 §7 as a person meets it: a name cannot forge a receipt; wrong PINs in the approval dialog slow it
down and never lock the manager out of their own sign-in (real app, X display, window manager, real keys)."""

from __future__ import annotations

TITLE = "Counter · PaySimple (Training)"


def test_wrong_approval_pins_hold_the_dialog_and_the_manager_still_signs_in(run_scenario):
    r = run_scenario("approval_pins_pause_the_dialog_not_the_managers_sign_in")
    assert r["signed_in"] and r["dialog"] == "Manager approval", r["steps"]
    assert r["focus_at_open"] == "managerPin" and r["focus_pin"] == "managerPin"
    tries = r["tries"]
    for n, attempt in enumerate(tries[:4]):
        wrong = attempt["after_wrong"]
        assert f"pause: {4 - n}." in wrong["message"] and wrong["approve_enabled"] is False, attempt
        # the right PIN typed at once + Enter did nothing: still held, the same message, not approved
        assert attempt["right_pin_while_held"]["message"] == wrong["message"] and attempt["dialog_open"]
        assert attempt["enabled_again"] is True
    assert "approvals by Trainer are paused until" in tries[4]["after_wrong"]["message"]
    assert "Trainer can still sign in" in tries[4]["after_wrong"]["message"]
    assert "paused" in r["right_pin_while_paused"]["message"]  # the right PIN does not approve while paused
    assert r["approvals"] == 0 and r["dialog_after_escape"] is False
    assert r["unlocked_by_trainer"] and r["login_after"]["clerk"] == "Trainer"  # not locked out
    outcomes = [(kind, name, outcome) for kind, name, outcome in r["events"]]
    assert ("approve", "Trainer", "approval_locked") in outcomes
    assert ("login", "Trainer", "ok") in outcomes and ("login", "Trainer", "locked_out") not in outcomes


def test_a_name_with_line_breaks_prints_no_approval_on_a_declined_receipt(run_scenario):
    r = run_scenario("forged_name_on_a_declined_receipt")
    assert r["sync_neutralised"] == 1 and r["signed_in"] and r["picked"], r["steps"]
    assert "\n" not in r["name_on_screen"] and "\r" not in r["name_on_screen"]
    assert r["result"] == "Declined" and r["receipt_open"], r["steps"]
    lines = r["receipt_lines"]
    assert "DECLINED" in lines, lines
    assert not [line for line in lines if line.startswith(("APPROVED", "NO SIGNATURE"))], lines
    at = lines.index("Customer")
    assert lines[at + 1].startswith("Ada\ufffd\ufffdAPPROVED") and lines[at + 2] == "Account", lines
    assert r["journal"] == [["declined", 999901]]


def test_a_manager_imports_an_excel_export_exactly_through_the_menu_and_the_file_dialog(run_scenario):
    r = run_scenario("import_a_spreadsheet_export")
    assert r["signed_in"] and r["dialog"] == "Import customers from CSV", r["steps"]
    assert r["file_dialog"] == "Choose the customer file" and r["file_label"].endswith("old-register.csv")
    assert r["finished"], r["steps"]
    assert r["stored"] == [["ZZ-1", 'Robert "Bob"', "Zzsmith", 'Acme, "Inc"', "Denver", "first line\r\nsecond line"]]
    summary = r["summary"]
    assert "3 rows read" in summary and "New customers: 1" in summary and "Bad rows skipped: 2" in summary
    assert "Line 4:" in summary and "U+001B (escape)" in summary  # the row after the two-line record
    assert "Line 5:" in summary and "not a valid email address" in summary
    assert r["report_button"] is True
    assert r["intro_cut"] is False and r["summary_cut"] is False  # every line can be read (the summary scrolls)
    assert any(row.startswith("4,rejected,") and "U+001B" in row for row in r["report_rows"]), r["report_rows"]
    # no program for CSV files here: the summary stays, the report's path is shown and copied
    assert r["summary_after_open"] == summary and r["open_note"].startswith("No program on this computer opens CSV")
    assert r["report_path_shown"].endswith("-report.csv") and "/import-reports/" in r["report_path_shown"]
    assert r["clipboard"] == r["report_path_shown"]

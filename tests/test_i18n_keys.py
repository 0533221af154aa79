"""The core's clerk-facing sentences (``pos_app.i18n_keys``): a Message is the English text for logs, journal and
wire and carries its translation key; stored English text is recognised back; every template of every core
module is in the Spanish catalogue, translated, because pyside6-lupdate really extracts ``N_`` from core files."""

from __future__ import annotations

import copy
import importlib
import json
import os
import pickle
import pkgutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import pos_app
from pos_app.i18n_keys import N_, Message, joined, recognise, templates

ROOT = Path(__file__).resolve().parents[1]
LUPDATE = Path(os.environ.get("POS_VENV", ROOT / ".venv")) / "bin" / "pyside6-lupdate"


def test_a_message_is_its_english_text_and_keeps_its_key():
    lost = N_("TestKeys", "PaySimple's answer was lost (%1); checking whether it was charged.")
    note = lost.fill("HTTP 504")
    assert note == "PaySimple's answer was lost (HTTP 504); checking whether it was charged."
    assert (note.context, note.source, note.args) == ("TestKeys", lost.source, ("HTTP 504",))
    assert json.dumps({"note": note}) == json.dumps({"note": str(note)})  # the wire and files get plain text
    for copied in (pickle.loads(pickle.dumps(note)), copy.deepcopy(note)):
        assert isinstance(copied, Message) and copied.args == ("HTTP 504",) and copied == note
    error = ValueError(note)
    assert str(error) == str(note) and error.args[0] is note
    assert type(str(note)) is str and type(note + "!") is str  # new text is plain: its key is gone


def test_values_fill_once_and_may_be_messages():
    template = N_("TestKeys", "Payment %1 is %2.")
    state = N_("TestKeys", "Unconfirmed")
    said = template.fill("%2", state)
    assert said == "Payment %2 is Unconfirmed." and said.args[1] is state  # "%2" in a value is not filled again


def test_stored_english_is_recognised_exactly():
    template = N_("TestKeys", "Closed by a manager with payment %1 (%2).")
    found = recognise("Closed by a manager with payment 3000007 (customer paid twice (cash)).")
    assert found is not None and found.source == template.source
    assert found.args == ("3000007", "customer paid twice (cash)")
    assert recognise("Closed by a manager with payment 3000007.") is None  # a template's text must be all there
    assert recognise("Do Not Honor, says the bank") is None  # anything else stays as it is
    assert recognise(None) is None and recognise("") is None


def test_a_placeholder_used_twice_must_hold_one_value():
    N_("TestKeys", "between -%1 and %1 degrees")
    assert recognise("between -90 and 90 degrees").args == ("90",)
    assert recognise("between -90 and 45 degrees") is None


def test_the_most_specific_template_wins():
    N_("TestKeys", "Checking %1")
    specific = N_("TestKeys", "Checking %1 with PaySimple")
    assert recognise("Checking payment 7 with PaySimple").source == specific.source


def test_a_template_needs_words():
    with pytest.raises(ValueError):
        N_("TestKeys", "%1 %2")
    assert recognise("anything at all") is None


def test_joined_sentences_stay_translatable_but_are_never_recognised():
    a, b = N_("TestKeys", "First name is required."), N_("TestKeys", "Phone is required.")
    both = joined([a, "", b])
    assert both == "First name is required. Phone is required." and both.args == (a, b)
    assert joined([a]) is a and joined([]) == ""
    many = joined([str(n) + " apples." for n in range(12)])
    assert many == " ".join(str(n) + " apples." for n in range(12))
    assert recognise("one two") is None


def _core_templates() -> set[tuple[str, str]]:
    for package in ("paysimple", "payments", "customers", "counter", "clerkstore"):
        module = importlib.import_module(f"pos_app.{package}")
        for info in pkgutil.walk_packages(module.__path__, module.__name__ + "."):
            if not info.name.endswith("__main__"):
                importlib.import_module(info.name)
    for name in ("settings", "clerks", "money", "storage_errors", "text_safety"):
        importlib.import_module(f"pos_app.{name}")
    return {(t.context, t.source) for t in templates() if t.context != "TestKeys"}


def test_every_core_sentence_is_in_the_spanish_catalogue_and_translated():
    found = _core_templates()
    assert len(found) > 150  # payments, rules, customers, declines, CSV import, end of day, settings
    catalogue: dict[tuple[str, str], str | None] = {}
    for context in ET.parse(ROOT / "resources/i18n/pos_app_es.ts").getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            translation = message.find("translation")
            finished = translation is not None and translation.get("type") is None and translation.text
            catalogue[(name, message.findtext("source"))] = translation.text if finished else None
    missing = sorted(key for key in found if key not in catalogue)
    untranslated = sorted(key for key in found if key in catalogue and not catalogue[key])
    assert missing == [] and untranslated == []
    assert catalogue[("Payments", "Could not reach PaySimple; nothing was sent (%1).")].count("%1") == 1


@pytest.mark.skipif(not LUPDATE.exists(), reason="pyside6-lupdate not found (set POS_VENV)")
def test_lupdate_extracts_n_markers_from_a_core_module(tmp_path):
    core = tmp_path / "core.py"
    core.write_text('from pos_app.i18n_keys import N_\n'
                    'A = N_("Core", "Sent to PaySimple (%1).")\n'
                    'B = N_("Core",\n       "Two lines "\n       "joined.")\n'
                    'C = N_("Core", "Never extracted: %1", value)\n', encoding="utf-8")
    ts = tmp_path / "out.ts"
    args = [str(LUPDATE), "-silent", "-locations", "none", "-tr-function-alias", "QT_TRANSLATE_NOOP+=N_",
            str(core), "-ts", str(ts)]
    subprocess.run(args, check=True, timeout=60, capture_output=True)
    sources = [m.findtext("source") for m in ET.parse(ts).getroot().iter("message")]
    assert sources == ["Sent to PaySimple (%1).", "Two lines joined."]  # values never go into N_ itself
    script = (ROOT / "scripts/update_translations.sh").read_text(encoding="utf-8")
    assert '"QT_TRANSLATE_NOOP+=N_"' in script and "find pos_app -name '*.py'" in script


def test_the_core_says_its_sentences_as_messages():
    from pos_app.payments.declines import decline_reason
    from pos_app.paysimple.rules import validate_customer

    (message,) = validate_customer({"FirstName": "Ada", "LastName": "Lovelace", "Phone": "30355501000"})
    assert message.message == "Phone must be digits only, at most 10 (for example 3035550100)."
    assert isinstance(message.message, Message) and message.message.args[0].source == "Phone"
    assert decline_reason("4005", "do not honor").source == "Do Not Honor"  # a documented code: our sentence
    assert decline_reason("4999", "Issuer unavailable") == "Issuer unavailable"  # else PaySimple's own words
    assert pos_app.i18n_keys.recognise("Try again tomorrow or use a different payment method.") is not None

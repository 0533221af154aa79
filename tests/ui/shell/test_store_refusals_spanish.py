"""A Spanish counter in store mode shows the store server's refusals in Spanish: a real server process (TLS,
SQLite, the training gateway as PaySimple) refuses a lane in several ways; the lane's typed error carries the
server's English sentence unchanged (the wire), and ``tr`` — the screens' edge — shows it in Spanish because the
lane imports ``pos_app.serverlink.sentences`` and recognises it. Also: every sentence of that module has a
finished Spanish translation in the compiled catalogue the app loads."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest

from pos_app.counter.remote import RemoteCounter, StoreServerRefused, StoreServerUnreachable
from pos_app.customers.models import CustomerRecord
from pos_app.i18n_keys import Message
from pos_app.payments import Approval, NotAllowed
from pos_app.serverlink import sentences as say
from pos_app.serverlink.client import ServerRefused, Timeouts, enroll
from pos_app.ui.common.i18n import i18n_dir, tr
from pos_app.ui.shell.store_setup import store_message
from tests.fixtures.server import CLERK, free_port, new_code, run_cli

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]
TIMEOUTS = Timeouts(connect=2, read=15, total=20)


def counter_for(enrolled) -> RemoteCounter:
    return RemoteCounter.connect(enrolled.url, enrolled.fingerprint, enrolled.credential, enrolled.lane,
                                 timeouts=TIMEOUTS, ask_for=10)


def spanish_only(shown: str, english: str) -> None:
    """``shown`` is a translation (not the English sentence, nor containing it)."""
    assert shown and english not in shown and shown != english, shown


def test_the_wire_carries_the_english_sentence_unchanged(server):
    """The server's JSON error is the English text of the Message (a lane of any version reads it)."""
    with httpx.Client(verify=False, trust_env=False) as plain:  # noqa: S501 - the test server's own certificate
        reply = plain.get(server.url + "/v1/clerks")
    assert reply.status_code == 401
    assert reply.json()["error"] == {"code": "no_credential", "message": str(say.NO_CREDENTIAL), "values": {}}


def test_enrollment_refusals_are_spanish_at_the_counter(server, spanish):
    code = new_code(server.data, "LANE31")
    enroll(server.url, code, "LANE31", TIMEOUTS)
    with pytest.raises(ServerRefused) as used:  # the same code again: used already
        enroll(server.url, code, "LANE31", TIMEOUTS)
    assert used.value.code == "code_used" and str(used.value) == say.CODE_USED  # English on the wire
    shown = store_message(used.value)
    assert "Este código de alta ya se usó: pida uno nuevo a un gerente." in shown
    spanish_only(shown, str(say.CODE_USED))

    with pytest.raises(ServerRefused) as enrolled:  # a new code, but the lane is enrolled and not revoked
        enroll(server.url, new_code(server.data), "LANE31", TIMEOUTS)
    assert enrolled.value.code == "lane_enrolled"
    assert str(enrolled.value) == say.LANE_ENROLLED.fill("LANE31")
    assert tr(enrolled.value) == ("La caja LANE31 ya está dada de alta. Si este PC la sustituye, un gerente la "
                                  "revoca primero (pos-app-server revoke-lane).")

    with pytest.raises(ServerRefused) as other_lane:  # a code made for another lane
        enroll(server.url, new_code(server.data, "LANE32"), "LANE33", TIMEOUTS)
    assert other_lane.value.code == "code_other_lane"
    assert tr(other_lane.value) == "Este código de alta es para la caja LANE32, no para LANE33."


def test_a_revoked_lane_hears_it_in_spanish(server, spanish):
    counter = counter_for(enroll(server.url, new_code(server.data, "LANE34"), "LANE34", TIMEOUTS))
    try:
        counter.hello()
        out = run_cli("revoke-lane", "--data", str(server.data), "LANE34")
        assert out.returncode == 0, out.stderr
        with pytest.raises(StoreServerRefused) as revoked:
            counter.hello()
        assert revoked.value.code == "lane_revoked"
        assert str(revoked.value) == say.LANE_REVOKED.fill("LANE34")
        assert tr(revoked.value) == ("La caja LANE34 se revocó en el servidor de la tienda: si debe seguir "
                                     "funcionando, un gerente vuelve a darla de alta (Configuración → Servidor "
                                     "de la tienda).")
    finally:
        counter.close()


def test_a_clerk_asking_for_managers_work_and_for_another_customer_hears_spanish(server, ps, spanish):
    from pos_app.paysimple.models import CreditCardInput
    from pos_app.serverlink import messages as m

    counter = counter_for(enroll(server.url, new_code(server.data, "LANE35"), "LANE35", TIMEOUTS))
    try:
        counter.sign_in(*CLERK)
        with pytest.raises(NotAllowed) as manager_only:  # the lane's own path: request, typed error
            counter._call("POST", "/v1/enrollment-codes", m.CodeBody(None))
        assert str(manager_only.value) == say.MANAGER_ONLY_FOR["create_enrollment_code"]
        assert tr(manager_only.value) == "Solo un gerente con la sesión iniciada puede crear códigos de alta."

        picked = []
        for first in ("Lena", "Omar"):
            last = f"Ruiz{uuid.uuid4().hex[:6]}"
            counter.create_customer(CustomerRecord(first_name=first, last_name=last, email="x@example.com"))
            [hit] = [h for h in counter.search(f"{first} {last}") if last in h.display_name]
            picked.append(counter.customer(hit.id))  # selected on the server; the last one stays selected
        other, selected = picked
        with pytest.raises(StoreServerRefused) as not_selected:  # a token for the customer not selected
            counter.customer_token(other.paysimple_id, fresh=True)
        assert not_selected.value.code == "not_selected_customer"
        assert tr(not_selected.value) == "Ese no es el cliente seleccionado en esta caja: selecciónelo primero."

        card = ps.create_credit_card(CreditCardInput(customer_id=selected.paysimple_id,
                                                     credit_card_number="4111111111111111",
                                                     expiration_date="12/2030"))
        with pytest.raises(StoreServerRefused) as unseen:  # an account the server never read for this customer
            counter.set_default(selected.paysimple_id, card)
        assert unseen.value.code == "account_not_verified"
        spanish_only(tr(unseen.value), str(say.ACCOUNT_NOT_VERIFIED))
        assert tr(unseen.value).endswith("No se cobró nada.")

        with pytest.raises(NotAllowed) as not_here:  # the lane's own sentence: an approval it never got
            counter.void(_attempt_of(counter, selected), Approval("1", "manager", "test"))
        assert tr(not_here.value) == ("Esta aprobación no la dio el servidor de la tienda en esta caja: pida a un "
                                      "gerente que apruebe de nuevo.")
    finally:
        counter.close()


def _attempt_of(counter, stored):
    from datetime import UTC, datetime

    from pos_app.payments import Attempt, State

    now = datetime.now(UTC)
    return Attempt(f"{counter.lane}-01J0000000000000000000000", counter.lane, "1", stored.paysimple_id,
                   stored.display_name, 0, "cc", "1111", "Visa", 500, State.APPROVED, now, now)


def test_an_unreachable_server_is_said_in_spanish(spanish):
    counter = RemoteCounter.connect(f"http://127.0.0.1:{free_port()}", "", "LANE36.secret", "LANE36",
                                    timeouts=Timeouts(connect=1, read=2, total=3), ask_for=2)
    try:
        with pytest.raises(StoreServerUnreachable) as down:
            counter.hello()
    finally:
        counter.close()
    assert down.value.charged is False
    assert str(down.value).startswith("The store server cannot be reached (no connection).")  # English text
    assert tr(down.value) == ("No se puede contactar con el servidor de la tienda (sin conexión). Compruebe que "
                              "está en marcha y que este PC está en la red de la tienda.")


def test_every_store_server_sentence_has_a_finished_spanish_translation(qapp):
    from PySide6.QtCore import QTranslator

    sentences = say.all_sentences()
    assert len(sentences) >= 60 and all(isinstance(s, Message) and s.context == "StoreServer" for s in sentences)
    catalogue = {}
    for context in ET.parse(ROOT / "resources/i18n/pos_app_es.ts").getroot().iter("context"):
        if context.findtext("name") == "StoreServer":
            for message in context.iter("message"):
                translation = message.find("translation")
                catalogue[message.findtext("source")] = (translation.text or "", translation.get("type"))
    compiled = QTranslator()
    assert compiled.load("pos_app_es", str(i18n_dir()))
    for sentence in sentences:
        text, kind = catalogue[sentence.source]
        assert text and kind is None, sentence.source  # translated and finished
        for n in range(1, 10):
            assert text.count(f"%{n}") == sentence.source.count(f"%{n}"), sentence.source
        assert compiled.translate("StoreServer", sentence.source) == text  # the .qm the app loads has it


def test_the_lanes_own_imports_register_the_servers_sentences():
    """In a fresh lane process that imports only what the screens import, the server's English sentences (with
    values) are recognised: the lane need not import the server to translate what it says."""
    import subprocess
    import sys

    from tests.fixtures.server import server_env

    code = (
        "import sys, pos_app.counter, pos_app.ui.shell.store_setup\n"
        "from pos_app.i18n_keys import recognise\n"
        "assert 'pos_app.server' not in sys.modules\n"
        "m = recognise('Lane LANE9 was revoked on the store server: a manager enrolls this counter again '\n"
        "              '(Set-up → Store server) if it should work.')\n"
        "assert m is not None and m.context == 'StoreServer' and m.args == ('LANE9',), m\n"
        "m = recognise('There is no payment LANE9-01J on the store server.')\n"
        "assert m is not None and m.args == ('LANE9-01J',), m\n"
        "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=server_env(), cwd=ROOT,
                         timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr

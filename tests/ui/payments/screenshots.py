"""Render the payment history, a receipt, the void approval and the end of day to docs/screenshots/3x-*.png
(offscreen, the app's style, real training gateway and payments service):

    .venv/bin/python -m tests.ui.payments.screenshots
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.fixtures.screenshots import OUT, save, wait  # noqa: E402

STORE_TZ = ZoneInfo("America/Denver")


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from pos_app.clerks import ClerkRegistry, ManagerAction, Role
    from pos_app.config import Environment
    from pos_app.counter import EventBus, LocalClerks
    from pos_app.counter.payments import CounterPayments
    from pos_app.payments import Approval, Journal, PaymentService
    from pos_app.paysimple.gateway import PaySimpleGateway
    from pos_app.paysimple.models import PaymentRequest
    from pos_app.settings import Merchant
    from pos_app.training import TrainingGateway
    from pos_app.ui.common.i18n import install_translator
    from pos_app.ui.common.theme import STYLE
    from pos_app.ui.payments.eod_view import EndOfDayDialog
    from pos_app.ui.payments.history import HistoryDialog
    from pos_app.ui.payments.payment_texts import approval_detail, option_text
    from pos_app.ui.payments.receipt_print import ReceiptDialog
    from pos_app.ui.shell.manager_approval import ManagerApprovalDialog
    from tests.fixtures.gateway import API_KEY, API_USER, make_client
    from tests.fixtures.payments import new_shopper

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE)
    install_translator(app, "en")
    OUT.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="pos-shots-"))

    registry = ClerkRegistry(home / "clerks-training.db")
    registry.ensure_training_clerks()
    trainer = next(c for c in registry.list() if c.name == "Trainer")
    ann = registry.add("Ann Chen", "2468", Role.CLERK, by=trainer)
    with TrainingGateway(API_USER, API_KEY) as gw:
        client = make_client(gw, read=10)
        journal = Journal(home / "journal.db")
        service = PaymentService(journal, PaySimpleGateway(client), "LANE1", clock=gw.clock.now)
        service.reconcile_unresolved()
        people = [new_shopper(client, "Mary", "Clark"), new_shopper(client, "Grace", "Hopper", "5454545454545454"),
                  new_shopper(client, "Linus", "Pauling"), new_shopper(client, "Ken", "Thompson", "371449635398431"),
                  new_shopper(client, "Ada", "Lovelace")]
        today = datetime.now(STORE_TZ).replace(hour=9, minute=12, second=5, microsecond=0)
        gw.clock.set(today - timedelta(days=1) + timedelta(hours=5))
        earlier = service.charge(people[4].customer, people[4].card, Decimal("64.20"), str(trainer.id))
        sales = []
        for minutes, (who, amount, clerk) in zip((0, 9, 23, 31, 47, 58), [
                (0, "42.50", ann), (1, "9999.01", ann), (2, "18.75", trainer), (3, "125.00", ann),
                (0, "7.95", ann), (4, "310.40", trainer)], strict=True):
            gw.clock.set(today + timedelta(minutes=minutes, seconds=minutes * 7 % 50))
            sales.append(service.charge(people[who].customer, people[who].card, Decimal(amount), str(clerk.id)))
        gw.clock.advance(120)
        service.void(sales[2], Approval.from_clerk(trainer, "Rang up twice"))
        service.refund(earlier, Approval.from_clerk(trainer, "Returned the goods"))
        client.create_payment(PaymentRequest(account_id=people[1].card.id, amount=Decimal("55.00")))  # not ours
        gw.clock.advance(300)

        desk = LocalClerks(home / "clerks-training.db", Environment.TRAINING)
        desk.sign_in("Ann Chen", "2468")
        clerk_name = desk.clerk_name
        desk.clerks()  # every name known

        bus = EventBus()
        payments = CounterPayments(
            events=bus, journal=journal, service=service, tz=STORE_TZ, lane="LANE1", environment=Environment.TRAINING,
            merchant=Merchant(name="Corner Hardware", address="12 Elm Street, Springfield",
                              phone="(555) 010-2030"), clerk_name=clerk_name, clerk_id=lambda: str(ann.id))

        for lang in ("en", "es"):
            install_translator(app, lang)
            suffix = "" if lang == "en" else "-es"
            history = HistoryDialog(payments, events=bus)
            history.resize(1280, 720)
            history.show()
            wait(lambda h=history: h.table.topLevelItemCount() > 0)
            history.period.setCurrentIndex(history.period.findData("7"))
            wait(lambda h=history: h.table.topLevelItemCount() == 7)
            history.select(sales[0].id)
            history.table.setFocus()
            save(history, f"30-history{suffix}.png")

            receipt = ReceiptDialog(payments.receipt(sales[0]), history)
            save(receipt, f"31-receipt{suffix}.png")
            receipt.close()

            option = service.refund_or_void_option(sales[3])
            applies, other = option_text(option, sales[3], STORE_TZ)
            approval = ManagerApprovalDialog(desk, ManagerAction.VOID, Environment.TRAINING,
                                             subject=sales[3].id, detail=approval_detail(sales[3], applies, other))
            wait(lambda a=approval: a.ready)
            approval.reason.setText("Customer paid with another card" if lang == "en" else "Pagó con otra tarjeta")
            save(approval, f"32-void-approval{suffix}.png")
            approval.close()
            history.close()

            eod = EndOfDayDialog(payments, store="Corner Hardware", events=bus)
            eod.resize(1100, 720)  # as it opens on a 1366x768 screen
            eod.show()
            eod.run()
            wait(lambda e=eod: e.report is not None)
            save(eod, f"33-end-of-day{suffix}.png")
            eod.close()
        install_translator(app, "en")
        journal.close()
        client.close()
        desk.close()
    registry.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

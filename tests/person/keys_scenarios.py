"""scratch"""
from __future__ import annotations
from tests.person.scenario import Session


def explore(s: Session) -> dict:
    s.start()
    p, w, out = s.person, s.window, {}
    out["geo"] = s.gui(lambda: [w.frameGeometry().getRect(), w.geometry().getRect(), w.isMaximized(),
                                w.minimumSizeHint().toTuple(), w.screen().availableGeometry().getRect()])
    out["signed_in"] = s.sign_in("0000")
    out["shot1"] = s.shot("a-signed-in")
    p.key("ctrl+f"); p.type("Luis Zed")
    p.settle(500)
    p.key("ctrl+n")
    p.wait_until(lambda: s.active() != "Counter · PaySimple (Training)", 5000)
    out["dialog"] = s.active()
    for field in ("Main St 1", ):
        pass
    out["shot2"] = s.shot("b-new")
    p.key("ctrl+s") if False else None
    # fill: tab to fields? find save button
    from PySide6.QtWidgets import QApplication
    def fill():
        d = s.shell.customer_dialog
        return {k: e.text() for k, e in d.inputs.items()}
    out["fields"] = s.gui(fill)
    d = s.shell.customer_dialog
    s.gui(lambda: [d.inputs[k].setText(v) for k, v in (("street1", "1 Main St"), ("city", "Denver"), ("state_code", "CO"), ("zip_code", "80202"), ("phone", "3035550100"))])
    p.click_widget(d.save_button)
    p.wait_until(lambda: s.active() == "Counter · PaySimple (Training)", 15000)
    p.settle(1500)
    out["after_save"] = s.active()
    out["hit"] = s.gui(lambda: w.hit.display_name if w.hit else None)
    out["edit_enabled"] = s.gui(lambda: s.shell.edit_customer_action.isEnabled())
    out["focus"] = s.focus_widget_name()
    p.key("ctrl+e")
    p.settle(1500)
    out["after_ctrl_e"] = s.active()
    out["shot3"] = s.shot("c-after-ctrl-e")
    return out

"""The Sandbox conformance report: what one complete test payment through PaySimple's real payment form showed
(decision 0207). No Qt here; the UI fills it in (``ui/shell/conformance_dialog.py``).

Why: some of PaySimpleJS's behaviour is not documented anywhere public (the shape of ``customerAuth``, the
hosts its iframe loads from such as a CDN or reCAPTCHA, the signal of an expired checkout token). Before a
counter goes Live, one $1.00 Sandbox payment runs through the same view, page, bridge and payment service as
the counter, and this report records, for a person and for the go-Live decision:

- ``hosts``: every origin the page and PaySimple's frame loaded from (origins only, never full URLs);
- ``blocked``: origins our request filter refused (a PaySimple host missing from the allow-list shows here);
- ``refused_navigations`` / ``policy_refusals``: frame navigations refused, Content-Security-Policy reports;
- ``callbacks``: the page→Python messages in order (names only: formShown, validityChanged,
  getCustomerToken, accountRetrieved, sdkError, ...), ``sdk_errors`` their keys (errorKey, status, fields);
- ``payment``: the attempt's state and PaySimple status, ``void``: the void that followed.

``passed`` is True only when the payment was approved by PaySimple through the form (the void is recorded but
does not decide: a failed void is a problem listed for a person). Reports are JSON files, 0600, in
``<data>/sandbox/conformance/``; :func:`latest_passed` is what the go-Live step reads. A report never holds
a key, a token, a card number or a customer's details.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pos_app.i18n_keys import N_
from pos_app.private_files import private_dir, write_private_text

# What a person should look at after the test payment (the report file keeps the English; screens translate).
NOT_APPROVED = N_("Conformance", "the test payment was not approved (form %1, payment %2)")
FILTER_REFUSED = N_("Conformance", "our request filter refused: %1")
CSP_REPORTS = N_("Conformance", "%1 Content-Security-Policy report(s) on the page")
NOT_VOIDED = N_("Conformance", "the test payment was not voided: void it in PaySimple's Sandbox")

log = logging.getLogger(__name__)

FILE_PREFIX = "conformance-"


def conformance_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "sandbox" / "conformance"


@dataclass
class ConformanceReport:
    paysimple_origin: str
    started_at: str
    finished_at: str = ""
    environment: str = "sandbox"
    hosts: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    refused_navigations: int = 0
    policy_refusals: int = 0
    callbacks: list[str] = field(default_factory=list)
    sdk_errors: list[dict] = field(default_factory=list)
    payment: dict = field(default_factory=dict)   # {"order_id", "state", "status", "amount"}
    void: dict = field(default_factory=dict)      # {"state", "status"} or {"error": kind}
    outcome: str = ""                             # how the form ended: charged | cancelled | error
    problems: list[str] = field(default_factory=list)
    passed: bool = False
    file: str = ""

    def decide(self) -> ConformanceReport:
        """Set ``passed`` and list what a person should look at."""
        approved = self.payment.get("state") == "approved"
        self.passed = approved and "accountRetrieved" in self.callbacks
        problems = []
        if not approved:
            problems.append(NOT_APPROVED.fill(self.outcome or "not finished", self.payment.get("state", "none")))
        if self.blocked:
            problems.append(FILTER_REFUSED.fill(", ".join(sorted(set(self.blocked)))))
        if self.policy_refusals:
            problems.append(CSP_REPORTS.fill(self.policy_refusals))
        if approved and self.void.get("state") != "voided":
            problems.append(NOT_VOIDED)
        self.problems = problems
        return self

    def to_json(self) -> dict:
        return asdict(self)


def write_report(report: ConformanceReport, folder: Path) -> Path:
    """Write the report as ``conformance-<UTC time>.json`` (0600) in ``folder``; returns the path."""
    private_dir(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = Path(folder) / f"{FILE_PREFIX}{stamp}.json"
    report.file = path.name
    write_private_text(path, json.dumps(report.to_json(), indent=2, sort_keys=True) + "\n")
    log.info("Sandbox conformance report written: %s (passed=%s)", path.name, report.passed)
    return path


def read_report(path: Path) -> ConformanceReport | None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = set(ConformanceReport.__dataclass_fields__)
        report = ConformanceReport(**{k: v for k, v in data.items() if k in known})
        report.file = Path(path).name
        return report
    except (OSError, ValueError, TypeError):
        log.warning("unreadable conformance report %s", Path(path).name)
        return None


def latest_passed(folder: Path | None) -> ConformanceReport | None:
    """The newest report in ``folder`` whose test payment passed (None when there is none)."""
    if folder is None or not Path(folder).is_dir():
        return None
    for path in sorted(Path(folder).glob(f"{FILE_PREFIX}*.json"), reverse=True):
        report = read_report(path)
        if report is not None and report.passed is True:
            return report
    return None

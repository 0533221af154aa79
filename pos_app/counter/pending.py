"""A store-mode lane's pending charge on its own disk: the one charge whose final answer this lane has not had
yet, kept across a crash so the next start asks about it with the same idempotency key (issue 20).

Contract (``PendingCharges``):
- :meth:`write` saves the record whole (``pending-charge.json``: a 0600 file in the lane's 0700 data folder,
  flushed and fsynced, the rename made durable) and returns only then; the counter writes it BEFORE the first
  request of the charge leaves the process. At most one record exists (a lane charges one payment at a time);
  writing a new one replaces the old one, which the counter only does after the old one was settled.
- The record holds what the clerk must be told and what the look-up needs: the attempt id (= the idempotency
  key), customer id and name, the amount in integer cents, the account's kind, brand and last four digits, the time
  (tz-aware UTC), the clerk's id. Never a card number, CVV, token, key or session.
- :meth:`clear` removes it (idempotent; the removal is made durable). The counter clears it only on a final
  answer from the server: the attempt (any state the server returned as done), a refusal that charged nothing,
  or the server's word that the key never arrived (decision 0465).
- :meth:`read` returns the record, or None when there is none. A record that cannot be read (torn by a disk
  fault, edited by hand) is never guessed at: ``PendingUnreadable`` (the file stays for a person to look at).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from pos_app.money import from_cents
from pos_app.private_files import fsync_folder, private_dir, replace_whole

FILE_NAME = "pending-charge.json"


class PendingUnreadable(Exception):
    """The pending-charge file exists but is not a record this code wrote: nothing is assumed about it."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"The record of this counter's last payment ({path}) cannot be read ({why}). "
                         "Check that payment in History before charging the customer again.")
        self.path = path


@dataclass(frozen=True)
class PendingCharge:
    """One charge sent (or about to be sent) whose final answer this lane has not had yet."""

    attempt_id: str
    customer_id: int  # the store server's customer id (the selection)
    paysimple_id: int
    customer_name: str
    amount_cents: int
    account_kind: str  # "cc" | "ach" (``payments.AccountRef``)
    account_last4: str
    account_brand: str
    clerk: str  # the clerk's id
    created_at: datetime

    @property
    def amount(self) -> Decimal:
        return from_cents(self.amount_cents)

    def to_json(self) -> str:
        data = asdict(self)
        data["created_at"] = self.created_at.astimezone(UTC).isoformat()
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> PendingCharge:
        data = json.loads(text)
        if not isinstance(data, dict) or set(data) != {f for f in cls.__dataclass_fields__}:
            raise ValueError("unexpected fields")
        created = datetime.fromisoformat(data["created_at"])
        if created.tzinfo is None:
            raise ValueError("a time without its zone")
        for name in ("customer_id", "paysimple_id", "amount_cents"):
            if type(data[name]) is not int:
                raise ValueError(f"{name} is not a whole number")
        for name in ("attempt_id", "customer_name", "account_kind", "account_last4", "account_brand", "clerk"):
            if not isinstance(data[name], str):
                raise ValueError(f"{name} is not text")
        if not data["attempt_id"] or data["amount_cents"] <= 0 or data["account_kind"] not in ("cc", "ach") \
                or not (data["account_last4"].isdigit() and len(data["account_last4"]) == 4):
            raise ValueError("a value out of range")
        return cls(**{**data, "created_at": created})


class PendingCharges:
    """The lane's pending-charge record in ``folder`` (module docstring)."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)
        self.path = self.folder / FILE_NAME

    def write(self, record: PendingCharge) -> None:
        private_dir(self.folder)
        data = record.to_json().encode()
        replace_whole(self.path, lambda fh: fh.write(data), prefix=".pending-")

    def read(self) -> PendingCharge | None:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise PendingUnreadable(self.path, type(exc).__name__) from None
        try:
            return PendingCharge.from_json(text)
        except (ValueError, KeyError, TypeError) as exc:
            raise PendingUnreadable(self.path, str(exc) or type(exc).__name__) from None

    def clear(self, attempt_id: str | None = None) -> None:
        """Remove the record (only when it is ``attempt_id``'s, if given)."""
        if attempt_id is not None:
            try:
                current = self.read()
            except PendingUnreadable:
                return
            if current is None or current.attempt_id != attempt_id:
                return
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            return
        fsync_folder(self.folder)

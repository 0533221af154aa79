"""The counter's application layer (no Qt): one service with the counter's use cases as typed calls, the
change broadcast, and the types screens need. Screens import from here only.

    counter = Counter.open(CounterStart(Environment.TRAINING, paths, lane), progress, cancelled)  # a worker
    counter.events.subscribe(on_event)          # CustomerSaved, AccountsChanged, PaymentRecorded, ...
    hits = counter.search("garcia")             # every storage/network call on a worker

``CounterApi`` (``api.py``) is the protocol screens depend on; ``Counter`` (``local.py``) implements it on this
PC's stores and PaySimple client. Names load on first use (``types.EXPORTS``): importing this package is cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from pos_app.counter.types import EXPORTS

__all__ = sorted(EXPORTS)

if TYPE_CHECKING:
    from pos_app.counter.api import ApiAccess, CounterApi, CounterStart, StartupNotices  # noqa: F401
    from pos_app.counter.local import Counter  # noqa: F401


def __getattr__(name: str):
    try:
        module, original = EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'pos_app.counter' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), original)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(EXPORTS))

"""Training gateway: an offline emulator of PaySimple API v4 (and, in ``sdk.py``, of PaySimpleJS).

``from pos_app.training import TrainingGateway`` — see ``server.py``.
"""

from pos_app.training.server import DEFAULT_API_KEY, DEFAULT_API_USER, TrainingGateway

__all__ = ["DEFAULT_API_KEY", "DEFAULT_API_USER", "TrainingGateway"]

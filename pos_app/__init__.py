"""Counter point-of-sale for PaySimple (API v4 + PaySimpleJS).

Core packages (paysimple, training, customers, payments, config, logs, credentials) never import Qt;
only ``pos_app.ui`` does.
"""

__version__ = "0.1.0"

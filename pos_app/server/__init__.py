"""The store server (``pos-app-server``, extra ``server``): one place per store that holds the PaySimple API
key, the customers, the payment journal and the clerks; every counter (lane) is its client over TLS.

Parts: ``config`` (data folder, settings, the key file), ``tls`` (its certificate), ``db`` + ``records``
(lanes, enrollment codes, clerk sessions, approvals, idempotency keys, audit trail on SQLite or PostgreSQL),
``desk`` (idempotent charges over ``payments.PaymentService``), ``service`` (the use cases and who may call them),
``app`` (HTTP), ``openapi`` (its document), ``__main__`` (the command). The wire format and the enrollment
proof are ``pos_app.serverlink``'s, shared with the lanes.

Importing this package loads nothing else (the server's parts need Starlette and uvicorn, the ``server`` extra).
"""

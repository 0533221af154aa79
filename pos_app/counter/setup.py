"""Set-up checks the wizard runs on a worker (no Qt)."""

from __future__ import annotations

from pos_app.paysimple import PaySimpleClient, Timeouts


def check_connection(base_url: str, api_user: str, api_key: str) -> int:
    """One read-only request with these credentials; returns the number of customers. Blocks (about 20 s at
    most); raises the client's typed errors (``AuthenticationError``, ``RequestTimeout``, ...)."""
    with PaySimpleClient(base_url, api_user, api_key, timeouts=Timeouts(connect=5, read=15),
                         max_retries=0) as client:
        return client.list_customers(page=1, page_size=1).total_items

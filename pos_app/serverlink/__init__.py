"""The link between a counter (lane) and its store server, both ends: the JSON wire format (``wire``), the
API's bodies (``messages``), enrollment codes and the certificate proof (``enrollment``), certificate pinning
(``pinning``), and the lane's HTTP client (``client``). No Qt; httpx only in ``client``."""

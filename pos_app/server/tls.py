"""The store server's own TLS certificate: self-signed (ECDSA P-256, SHA-256), made by ``pos-app-server init``
with the ``cryptography`` package. Lanes pin its fingerprint at enrollment (``serverlink.pinning``), so no
certificate authority is involved and the names in it are informative only.

The private key file is written 0600 from its first byte; the certificate is public. Validity: 10 years from
``init`` (lanes check the pin, not the dates; a new certificate means enrolling the lanes again).
"""

from __future__ import annotations

import ipaddress
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pos_app.private_files import write_private_text
from pos_app.serverlink.pinning import fingerprint

VALIDITY = timedelta(days=3650)


def default_names() -> list[str]:
    """This machine's name, ``localhost`` and the loopback addresses."""
    names = [socket.gethostname(), "localhost", "127.0.0.1", "::1"]
    return list(dict.fromkeys(n for n in names if n))


def make_certificate(cert_path: Path, key_path: Path, names: list[str], now: datetime | None = None) -> str:
    """Write a new key (0600) and self-signed certificate for ``names`` (host names or IP addresses); returns
    the certificate's SHA-256 fingerprint (hex)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    alt: list[x509.GeneralName] = []
    for name in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            alt.append(x509.DNSName(name))
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"pos-app store server {names[0] if names else ''}"
                                            .strip()[:64])])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(key, hashes.SHA256()))
    write_private_text(key_path, key.private_bytes(serialization.Encoding.PEM,
                                                   serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()).decode("ascii"))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return fingerprint(cert.public_bytes(serialization.Encoding.DER))


def certificate_fingerprint(cert_path: Path) -> str:
    """The SHA-256 fingerprint (hex) of a PEM certificate file."""
    import ssl

    return fingerprint(ssl.PEM_cert_to_DER_cert(cert_path.read_text(encoding="ascii")))

"""The hub's RS256 key for signing ID tokens, kept in the instance's var directory.

Created once on first start (``<instance>.oidc-rsa-key``, PKCS#8 PEM, mode
0600) the way :mod:`etender.kernel.signing` keeps the Ed25519 key: exclusive
creation, so that two processes starting together agree on one key.  The
public half is published as JWKS at ``/o/.well-known/jwks.json``.  To rotate,
move the old file's content into ``ETENDER_OIDC_RSA_INACTIVE_KEYS_FILE`` (still
published, so tokens already issued verify) and delete the file.

This module is imported by the hub's settings: it must not import Django.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from etender.kernel.signing import read_when_written

RSA_BITS = 3072


def rsa_private_key_pem(var_dir: Path, instance: str) -> str:
    """The PEM of the instance's OIDC signing key, generated the first time."""
    path = Path(var_dir) / f"{instance}.oidc-rsa-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as f:
                f.write(pem)
    return read_when_written(path).decode()


def inactive_keys(path: str | None) -> list[str]:
    """Retired keys (PEM blocks in one file) that are still published so older tokens verify."""
    if not path:
        return []
    text = Path(path).read_text()
    marker = "-----END PRIVATE KEY-----"
    return [block.strip() + "\n" + marker + "\n" for block in text.split(marker) if block.strip()]

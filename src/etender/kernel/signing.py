"""The platform's own signing key: receipts, opening records.

Each service instance has an Ed25519 key kept in its var directory
(``<instance>.signing-key``, mode 0600), created on first use.  The public
key is published at ``/api/platform/keys`` so anyone can check a receipt
offline with :func:`verify`.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from functools import cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .canonical import canonical

_lock = threading.Lock()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def read_when_written(path: Path, *, attempts: int = 100) -> bytes:
    """Read a file another process may have just created with O_EXCL and not yet filled."""
    import time

    for _ in range(attempts):
        data = path.read_bytes()
        if data:
            return data
        time.sleep(0.02)
    raise RuntimeError(f"{path} stays empty")


class Signer:
    def __init__(self, private: Ed25519PrivateKey):
        self._private = private
        raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.public_raw = raw
        self.key_id = hashlib.sha256(raw).hexdigest()[:32]

    @classmethod
    def load_or_create(cls, path: Path) -> Signer:
        with _lock:
            if not path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                key = Ed25519PrivateKey.generate()
                pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
                try:  # created secret from the first byte; a concurrent creator loses and reads the winner's key
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                except FileExistsError:
                    pass
                else:
                    with os.fdopen(fd, "wb") as f:
                        f.write(pem)
            key = serialization.load_pem_private_key(read_when_written(path), password=None)
        assert isinstance(key, Ed25519PrivateKey)
        return cls(key)

    def sign(self, document: dict[str, Any]) -> str:
        return b64(self._private.sign(canonical(document)))

    def note_signer(self, name: str):
        """A C2SP signed-note signer with this key (checkpoints of the operation log)."""
        from .checkpoint import NoteSigner

        return NoteSigner(name, self._private)

    def public_info(self) -> dict[str, str]:
        return {"alg": "Ed25519", "key_id": self.key_id, "public_key": b64(self.public_raw)}


def verify(document: dict[str, Any], signature_b64: str, public_key_b64: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64)).verify(base64.b64decode(signature_b64), canonical(document))
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


@cache
def platform_signer() -> Signer:
    from django.conf import settings

    return Signer.load_or_create(Path(settings.ETENDER_VAR_DIR) / f"{settings.ETENDER_INSTANCE}.signing-key")

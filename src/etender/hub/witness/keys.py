"""The hub's witness key: Ed25519, in the var directory (``<instance>.witness-key``, mode 0600), created on first use.

It is a key of its own, not the hub's signing key (``etender.kernel.signing``),
so that the witness can be moved or rotated without touching the hub's
receipts and its own log.  Its name is the setting ``ETENDER_WITNESS_NAME``
(default ``etender.local/<instance>/witness``); the verifier key is published
at ``GET /api/witness/v1/key`` and on ``/witness/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings

from etender.kernel.checkpoint import CosignatureSigner
from etender.kernel.signing import Signer, read_when_written


def witness_name() -> str:
    return getattr(settings, "ETENDER_WITNESS_NAME", "") or f"etender.local/{settings.ETENDER_INSTANCE}/witness"


def key_path() -> Path:
    return Path(settings.ETENDER_VAR_DIR) / f"{settings.ETENDER_INSTANCE}.witness-key"


@cache
def witness_signer() -> CosignatureSigner:
    path = key_path()
    Signer.load_or_create(path)  # creates the key exclusively (0600) if it does not exist yet
    key = serialization.load_pem_private_key(read_when_written(path), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return CosignatureSigner(witness_name(), key)


def verifier_key() -> str:
    return witness_signer().verifier_key()

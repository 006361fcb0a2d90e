"""Signed platform-to-platform HTTP requests (the scheme of the hub's exchange API).

A signed request carries ``X-Etender-Platform`` (the sender's credit code),
``X-Etender-Timestamp`` (RFC 3339, accepted within ±5 minutes) and
``X-Etender-Signature``: base64 Ed25519, by the sender's registered key, over the
RFC 8785 canonical JSON of ``{"method", "path", "timestamp"}`` (``path`` with its
query string).  A request with a body adds ``"body_sha256"`` (hex SHA-256 of the
body bytes exactly as sent) to the signed object, so a signature covers what was
posted; GET requests sign exactly what the exchange feed checks.

Any service signs with :func:`signed_headers` (its own instance key,
``etender.kernel.signing.platform_signer``); the receiver checks with
:func:`verify` against the public key it has registered for the sender.
"""

from __future__ import annotations

import base64
import hashlib
import json
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from . import clock
from .canonical import canonical
from .errors import RuleViolation

MAX_SKEW_SECONDS = 300


def signed_object(*, method: str, path: str, timestamp: str, body: bytes = b"") -> dict[str, str]:
    obj = {"method": method.upper(), "path": path, "timestamp": timestamp}
    if body:
        obj["body_sha256"] = hashlib.sha256(body).hexdigest()
    return obj


def signed_headers(*, code: str, method: str, path: str, body: bytes = b"", signer=None) -> dict[str, str]:
    """The three headers of a signed request by this instance (``code`` = its registered credit code)."""
    from .signing import platform_signer

    signer = signer or platform_signer()
    ts = clock.now().isoformat()
    return {
        "X-Etender-Platform": code,
        "X-Etender-Timestamp": ts,
        "X-Etender-Signature": signer.sign(signed_object(method=method, path=path, timestamp=ts, body=body)),
    }


def verify(*, public_key: str, method: str, path: str, timestamp: str, signature: str, body: bytes = b"") -> None:
    """Raise E009 (timestamp missing, malformed or outside ±5 min) or E013 (bad signature)."""
    try:
        when = datetime.fromisoformat(timestamp)
        if when.tzinfo is None or abs((clock.now() - when).total_seconds()) > MAX_SKEW_SECONDS:
            raise ValueError
    except (ValueError, TypeError):
        raise RuleViolation("E009", detail_zh="请求时间戳无效或已过期（±5分钟）", detail_en="request timestamp invalid or not within 5 minutes", field="X-Etender-Timestamp") from None
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(base64.b64decode(signature), canonical(signed_object(method=method, path=path, timestamp=timestamp, body=body)))
    except (InvalidSignature, ValueError, TypeError):
        raise RuleViolation("E013", detail_zh="请求签名无效", detail_en="the request signature is not valid") from None


def verify_document(*, public_key: str, document: Any, signature: str) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature of ``document``'s canonical JSON by ``public_key``."""
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(base64.b64decode(signature), canonical(document))
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


def call(base_url: str, method: str, path: str, *, code: str, body: Any = None, timeout: float = 30.0) -> tuple[int, Any]:
    """Send a signed JSON request; returns (HTTP status, parsed JSON body or {}).  Network errors raise OSError."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else b""
    headers = {"Accept": "application/json", **signed_headers(code=code, method=method, path=path, body=data)}
    if data:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base_url.rstrip("/") + path, data=data or None, headers=headers, method=method.upper())
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw.decode("utf-8")) if raw else {})
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read().decode("utf-8"))
        except ValueError:
            return e.code, {}

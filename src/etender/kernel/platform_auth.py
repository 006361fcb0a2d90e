"""Signed platform-to-hub requests (the exchange API's scheme, used by every signed hub API).

A platform sends three headers:

``X-Etender-Platform``   its credit code as registered at the hub
``X-Etender-Timestamp``  RFC 3339 time with offset (must be within 5 minutes of the hub's clock)
``X-Etender-Signature``  base64 Ed25519, with the key registered at the hub, over the RFC 8785 canonical JSON of
                         ``{"method", "path", "timestamp"}`` (path with its query string)

A request with a body may also send ``X-Etender-Content-SHA256`` (hex SHA-256 of the exact body bytes); the signed
document then is ``{"method", "path", "timestamp", "content_sha256"}`` and the hub checks the body against it, so
the signature covers the body too.  :func:`signed_headers` always does so.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from . import clock
from .canonical import canonical

HEADER_PLATFORM = "X-Etender-Platform"
HEADER_TIMESTAMP = "X-Etender-Timestamp"
HEADER_SIGNATURE = "X-Etender-Signature"
HEADER_CONTENT = "X-Etender-Content-SHA256"
MAX_SKEW_SECONDS = 300


def signed_document(*, method: str, path: str, timestamp: str, content_sha256: str | None = None) -> dict[str, Any]:
    doc = {"method": method.upper(), "path": path, "timestamp": timestamp}
    if content_sha256 is not None:
        doc["content_sha256"] = content_sha256
    return doc


def signed_headers(*, signer, platform_code: str, method: str, path: str, body: bytes | None = None, now: datetime | None = None) -> dict[str, str]:
    """Headers for a request to the hub, signed with ``signer`` (kernel.signing.Signer, e.g. platform_signer()).

    The timestamp comes from :func:`etender.kernel.clock.now`, the clock the hub checks it against (so both
    sides agree when a process runs with ``ETENDER_CLOCK_OFFSET``, as the demo may).
    """
    timestamp = (now or clock.now()).isoformat()
    content = hashlib.sha256(body).hexdigest() if body is not None else None
    headers = {
        HEADER_PLATFORM: platform_code,
        HEADER_TIMESTAMP: timestamp,
        HEADER_SIGNATURE: signer.sign(signed_document(method=method, path=path, timestamp=timestamp, content_sha256=content)),
    }
    if content is not None:
        headers[HEADER_CONTENT] = content
    return headers


def document_bytes(doc: dict[str, Any]) -> bytes:
    return canonical(doc)

"""Signed platform-to-platform HTTP requests (the scheme of the hub's exchange API, used by every signed hub API).

A signed request carries three headers:

``X-Etender-Platform``   the sender's credit code as registered at the receiver
``X-Etender-Timestamp``  RFC 3339 time with offset, from :mod:`etender.kernel.clock` (accepted within ±5 minutes
                         of the receiver's clock, which follows the same ``ETENDER_CLOCK_OFFSET`` in the demo)
``X-Etender-Signature``  base64 Ed25519, by the sender's registered key, over the RFC 8785 canonical JSON of
                         ``{"method", "path", "timestamp"}`` (``path`` with its query string)

A request with a body also sends ``X-Etender-Content-SHA256`` (hex SHA-256 of the body bytes exactly as sent); the
signed document then is ``{"method", "path", "timestamp", "content_sha256"}`` and the receiver checks the body
against it, so the signature covers the body too.  :func:`signed_headers` always does so for a body.

Any service signs with :func:`signed_headers` (its own instance key, ``etender.kernel.signing.platform_signer``) or
sends with :func:`call`; the receiver checks with :func:`verify_request` (or :func:`verify`) against the public key
it has registered for the sender.  Errors: E009 (timestamp), E013 (signature or body digest).
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from datetime import datetime
from typing import Any

from . import clock, signing
from .errors import RuleViolation

HEADER_PLATFORM = "X-Etender-Platform"
HEADER_TIMESTAMP = "X-Etender-Timestamp"
HEADER_SIGNATURE = "X-Etender-Signature"
HEADER_CONTENT = "X-Etender-Content-SHA256"
MAX_SKEW_SECONDS = 300


def signed_document(*, method: str, path: str, timestamp: str, content_sha256: str | None = None) -> dict[str, str]:
    """The object whose canonical JSON a request signature covers."""
    doc = {"method": method.upper(), "path": path, "timestamp": timestamp}
    if content_sha256 is not None:
        doc["content_sha256"] = content_sha256
    return doc


def signed_headers(*, code: str, method: str, path: str, body: bytes | None = None, signer=None, now: datetime | None = None) -> dict[str, str]:
    """The headers of a signed request by platform ``code``; with a body (even empty) the body's digest is signed too.

    ``signer`` is a kernel.signing.Signer (default: this instance's ``platform_signer()``); the timestamp comes from
    :func:`etender.kernel.clock.now` unless ``now`` is given.
    """
    signer = signer or signing.platform_signer()
    timestamp = (now or clock.now()).isoformat()
    content = hashlib.sha256(body).hexdigest() if body is not None else None
    headers = {
        HEADER_PLATFORM: code,
        HEADER_TIMESTAMP: timestamp,
        HEADER_SIGNATURE: signer.sign(signed_document(method=method, path=path, timestamp=timestamp, content_sha256=content)),
    }
    if content is not None:
        headers[HEADER_CONTENT] = content
    return headers


def check_timestamp(timestamp: str) -> datetime:
    """The request time, or E009 when it is missing, malformed, without offset or not within ±5 minutes of kernel.clock."""
    try:
        when = datetime.fromisoformat(timestamp)
        if when.tzinfo is None or abs((clock.now() - when).total_seconds()) > MAX_SKEW_SECONDS:
            raise ValueError
    except (ValueError, TypeError):
        raise RuleViolation("E009", detail_zh="请求时间戳无效或已过期（±5分钟）", detail_en="request timestamp invalid or not within 5 minutes", field=HEADER_TIMESTAMP) from None
    return when


def verify(*, public_key: str, method: str, path: str, timestamp: str, signature: str, content_sha256: str | None = None, body: bytes = b"") -> None:
    """Check a signed request: E009 for the timestamp, E013 for a body not matching ``content_sha256`` or a bad signature.

    ``content_sha256`` is the ``X-Etender-Content-SHA256`` header as received (None when absent: the signature then
    covers method, path and timestamp only, the exchange feed's plain scheme).
    """
    check_timestamp(timestamp)
    if content_sha256 is not None:
        content_sha256 = content_sha256.lower()
        if hashlib.sha256(body or b"").hexdigest() != content_sha256:
            raise RuleViolation("E013", detail_zh="请求内容与签名的摘要不符", detail_en="the body does not match the signed digest")
    doc = signed_document(method=method, path=path, timestamp=timestamp, content_sha256=content_sha256)
    if not verify_document(public_key=public_key, document=doc, signature=signature):
        raise RuleViolation("E013", detail_zh="请求签名无效", detail_en="the request signature is not valid")


def request_platform(request) -> str:
    """The sender's credit code named by a (Django) request's ``X-Etender-Platform`` header ('' when absent)."""
    return request.headers.get(HEADER_PLATFORM, "")


def verify_request(request, *, public_key: str) -> None:
    """:func:`verify` for a Django request (method, full path with query, headers, body)."""
    verify(
        public_key=public_key,
        method=request.method,
        path=request.get_full_path(),
        timestamp=request.headers.get(HEADER_TIMESTAMP, ""),
        signature=request.headers.get(HEADER_SIGNATURE, ""),
        content_sha256=request.headers.get(HEADER_CONTENT),
        body=request.body,
    )


def verify_document(*, public_key: str, document: Any, signature: str) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature of ``document``'s canonical JSON by ``public_key``."""
    return signing.verify(document, signature, public_key)


def call(base_url: str, method: str, path: str, *, code: str, body: Any = None, timeout: float = 30.0) -> tuple[int, Any]:
    """Send a signed JSON request; returns (HTTP status, parsed JSON body or {}).  Network errors raise OSError."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
    headers = {"Accept": "application/json", **signed_headers(code=code, method=method, path=path, body=data)}
    if data is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base_url.rstrip("/") + path, data=data, headers=headers, method=method.upper())
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            raw = r.read()
            return r.status, (json.loads(raw.decode("utf-8")) if raw else {})
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read().decode("utf-8"))
        except ValueError:
            return e.code, {}

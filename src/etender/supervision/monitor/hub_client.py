"""Signed reads of the hub (docs/hub-exchange.md §3): the change feed in the supervision scope and the witness.

A signed request carries X-Etender-Platform (this platform's credit code as registered at the hub, kind
``supervision``), X-Etender-Timestamp (RFC 3339) and X-Etender-Signature: base64 Ed25519 by the platform's key
(``kernel.signing.platform_signer``) over the canonical JSON of {method, path, timestamp}, path with its query
(``kernel.platform_requests``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from django.conf import settings

from etender.kernel import platform_requests

TIMEOUT = 10.0


class HubError(Exception):
    pass


def hub_url() -> str:
    return (getattr(settings, "ETENDER_HUB_URL", "") or "").rstrip("/")


def signed_headers(method: str, path: str) -> dict[str, str]:
    return platform_requests.signed_headers(code=getattr(settings, "ETENDER_PLATFORM_CODE", ""), method=method, path=path)


def get_json(path: str, *, signed: bool = True, timeout: float = TIMEOUT) -> Any:
    base = hub_url()
    if not base:
        raise HubError("ETENDER_HUB_URL is not set")
    headers = {"Accept": "application/json", **(signed_headers("GET", path) if signed else {})}
    req = urllib.request.Request(base + path, headers=headers, method="GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        body = e.read().decode("utf-8", "replace")[:300]
        raise HubError(f"{path}: HTTP {e.code} {body}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        raise HubError(f"{path}: {e}") from None


def feed(after: int, *, limit: int = 200, wait: float = 0.0) -> dict[str, Any]:
    query = urllib.parse.urlencode({"after": after, "limit": limit, "wait": wait})
    return get_json(f"/api/exchange/v1/feed?{query}")


def witness_logs() -> list[dict[str, Any]]:
    return get_json("/api/witness/v1/logs", signed=False)


def witness_alerts(after: int, *, limit: int = 100) -> list[dict[str, Any]]:
    return get_json(f"/api/witness/v1/alerts?after={int(after)}&limit={int(limit)}", signed=False)

"""The hub's expert draw API, called with signed platform requests (interfaces.md issue 5, items 1–7).

Requests carry ``X-Etender-Platform`` (this platform's credit code), ``X-Etender-Timestamp`` (RFC 3339),
``X-Etender-Content-SHA256`` for a body and ``X-Etender-Signature``: the platform's Ed25519 signature over the
canonical JSON of {method, path, timestamp, content_sha256} (``etender.kernel.platform_requests``).
A coded error of the hub (E130-family, E015, E013 …) is raised here as the same RuleViolation when the code is
in our catalogue; anything else (hub down, malformed answer) is E074.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from etender.kernel import platform_requests
from etender.kernel.errors import CATALOG, RuleViolation
from etender.kernel.signing import platform_signer

PREFIX = "/api/experts/v1"


def signed_headers(method: str, path: str, body: bytes | None = None) -> dict[str, str]:
    """The kernel's signed platform request (kernel.platform_requests); the signature covers the body's SHA-256 too.

    The timestamp is this process's clock (kernel.clock), the clock the hub compares it with; both follow
    ``ETENDER_CLOCK_OFFSET``, so a hub and a platform shifted by the same offset agree.
    """
    return platform_requests.signed_headers(signer=platform_signer(), code=settings.ETENDER_PLATFORM_CODE, method=method, path=path, body=body)


def hub_url() -> str:
    return (getattr(settings, "ETENDER_HUB_URL", "") or "").rstrip("/")


def available() -> bool:
    return bool(hub_url())


def call(method: str, path: str, body: dict[str, Any] | None = None, *, timeout: float = 20) -> dict[str, Any]:
    base = hub_url()
    if not base:
        raise RuleViolation("E074", detail_zh="本平台未配置公共服务平台地址", detail_en="no public service platform configured (ETENDER_HUB_URL)")
    full = PREFIX + path
    data = json.dumps(body, ensure_ascii=False).encode("utf-8") if body is not None else None
    req = urllib.request.Request(base + full, data=data, method=method, headers={"Content-Type": "application/json", "Accept": "application/json", **signed_headers(method, full, data)})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        try:
            answer = json.loads(e.read().decode("utf-8"))
        except ValueError:
            answer = {}
        code = answer.get("code")
        if code in CATALOG and code not in ("E005",):
            raise RuleViolation(code, detail_zh=f"公共服务平台：{answer.get('message_zh', '')}", detail_en=f"public service platform: {answer.get('message_en', '')}", params=answer.get("params") or {}) from None
        raise RuleViolation("E074", detail_zh=f"HTTP {e.code} {answer.get('message_zh', '')}", detail_en=f"HTTP {e.code} {answer.get('message_en', '')}") from None
    except (OSError, ValueError) as exc:
        raise RuleViolation("E074", detail_zh=str(exc)[:200], detail_en=str(exc)[:200]) from None


def draw_create(payload: dict[str, Any]) -> dict[str, Any]:
    return call("POST", "/draws", payload)


def draw_execute(draw_id: str, platform_nonce: str) -> dict[str, Any]:
    return call("POST", f"/draws/{draw_id}/execute", {"platform_nonce": platform_nonce})


def draw_get(draw_id: str) -> dict[str, Any]:
    return call("GET", f"/draws/{draw_id}")


def member_confirm(draw_id: str, ref: str, confirmed: bool, reason: str = "") -> dict[str, Any]:
    return call("POST", f"/draws/{draw_id}/members/{ref}/confirm", {"confirmed": confirmed, "reason": reason})


def replacement(draw_id: str, ref: str, reason: str) -> dict[str, Any]:
    return call("POST", f"/draws/{draw_id}/replacements", {"ref": ref, "reason": reason})


def performance(draw_id: str, ref: str, score: int, comment: str) -> dict[str, Any]:
    return call("POST", f"/draws/{draw_id}/performance", {"ref": ref, "score": score, "comment": comment})


def specialties() -> list[dict[str, Any]]:
    """The hub's specialty table, if it publishes one (GET /api/experts/v1/specialties); [] when unavailable."""
    try:
        answer = call("GET", "/specialties", timeout=5)
    except RuleViolation:
        return []
    items = answer.get("items", answer) if isinstance(answer, dict) else answer
    return items if isinstance(items, list) else []


def reveal_draw(committee) -> None:
    """Ask the hub to reveal the draw's seed (item 5) once the award result is published; marks names public here.

    Called by AWARD after the result announcement (513).  Idempotent: a committee already revealed is left alone.
    Direct appointments (条例 47 special projects, no hub draw) are only marked public.
    """
    from .services import committee_mark_revealed

    if committee.revealed_at is not None:
        return
    if committee.draw_id:
        call("POST", f"/draws/{committee.draw_id}/reveal", {})
    committee_mark_revealed(committee=committee)

"""The supervising departments' published duties (电子招标投标办法 47), shown on the portal.

The departments keep their legal basis, duties and powers, supervised matters, procedures, time limits,
data-exchange requirements and contacts on their supervision platform (``supervision.duties``).  The hub
reads them from each active supervision platform registered with it (``exchange.Platform``, kind
``supervision``, its ``url``) over the platform's public API ``GET /api/duties/v1/published`` and keeps the
last good answer in :class:`~.models.SupervisionDutiesCopy`:

- a copy younger than ``ETENDER_SUPERVISION_DUTIES_TTL`` seconds (default 60) is served as it is (the
  short cache); an older one is refreshed when a page asks for it, and by the worker
  (:func:`refresh_due`, every second), so a copy exists before anybody visits;
- when the platform cannot be reached or answers nonsense, the last good copy stays and the page shows it
  with the coded message **E090** and the time it was fetched; a failed attempt is not repeated within the
  TTL, so a platform that is down does not slow every page down.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from etender.kernel import clock
from etender.kernel.calendar import TZ
from etender.kernel.errors import RuleViolation
from etender.hub.exchange.models import Platform

from .models import SupervisionDutiesCopy

log = logging.getLogger(__name__)

PATH = "/api/duties/v1/published"
TIMEOUT_SECONDS = 3
MAX_BYTES = 5 * 1024 * 1024
SECTION_KINDS = ("legal_basis", "duties", "matters", "procedures", "time_limits", "data_exchange", "contacts")


def ttl() -> timedelta:
    try:
        return timedelta(seconds=max(0, int(os.environ.get("ETENDER_SUPERVISION_DUTIES_TTL", "60"))))
    except ValueError:
        return timedelta(seconds=60)


@dataclass
class Source:
    """One supervision platform's copy as the pages use it."""

    platform_code: str
    platform_name: str
    url: str
    fetched_at: datetime | None
    departments: list[dict[str, Any]]
    error: RuleViolation | None  # E090 when the last attempt failed (the departments are then the last good copy)


def supervision_platforms() -> list[Platform]:
    return list(Platform.objects.filter(kind=Platform.Kind.SUPERVISION, status=Platform.Status.ACTIVE).exclude(url="").order_by("name", "code"))


def _clean(data: Any) -> list[dict[str, Any]]:
    """The departments of an answer, keeping only the fields the pages show; ValueError if it is not an answer."""
    if not isinstance(data, dict) or not isinstance(data.get("departments"), list):
        raise ValueError("not a published-duties answer")
    out = []
    for d in data["departments"]:
        if not isinstance(d, dict) or not isinstance(d.get("code"), str) or not isinstance(d.get("name"), str):
            raise ValueError("a department without code or name")
        sections = []
        for s in d.get("sections") or []:
            if not isinstance(s, dict) or s.get("kind") not in SECTION_KINDS or not isinstance(s.get("body"), str):
                continue
            sections.append({"kind": s["kind"], "title": str(s.get("title") or ""), "body": s["body"], "order": int(s.get("order") or 0), "updated_at": s.get("updated_at")})
        sections.sort(key=lambda s: (s["order"], SECTION_KINDS.index(s["kind"])))
        out.append(
            {
                "code": d["code"][:40],
                "name": d["name"][:200],
                "region_code": str(d.get("region_code") or ""),
                "region_name": str(d.get("region_name") or ""),
                "industries": [str(i.get("label") or i.get("code")) for i in d.get("industries") or [] if isinstance(i, dict)],
                **{k: str(d.get(k) or "") for k in ("address", "phone", "complaint_phone", "email", "website", "url")},
                "sections": sections,
            }
        )
    return out


def _fetch(platform: Platform) -> dict[str, Any]:
    req = urllib.request.Request(platform.url.rstrip("/") + PATH, headers={"Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as r:
        body = r.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise ValueError("answer too large")
    return json.loads(body.decode("utf-8"))


def refresh(platform: Platform, *, force: bool = False) -> SupervisionDutiesCopy:
    """Fetch the platform's published duties unless the copy (or the last failed attempt) is recent."""
    now = clock.now()
    copy, _ = SupervisionDutiesCopy.objects.get_or_create(platform_code=platform.code, defaults={"platform_name": platform.name, "source_url": platform.url + PATH})
    if not force and copy.attempted_at is not None and now - copy.attempted_at < ttl():
        return copy
    fields = {"platform_name": platform.name, "source_url": (platform.url.rstrip("/") + PATH)[:300], "attempted_at": now}
    try:
        data = _fetch(platform)
        departments = _clean(data)
    except (OSError, ValueError, UnicodeDecodeError) as exc:  # URLError, HTTPError, timeouts, bad JSON
        log.warning("published duties of %s: %s", platform.code, exc)
        fields.update(error_code="E090", error_detail=f"{type(exc).__name__}: {exc}"[:500])
    else:
        fields.update(data={"departments": departments, "generated_at": data.get("generated_at")}, fetched_at=now, error_code="", error_detail="")
    SupervisionDutiesCopy.objects.filter(pk=copy.pk).update(**fields)
    copy.refresh_from_db()
    return copy


def _source(copy: SupervisionDutiesCopy, platform: Platform) -> Source:
    error = None
    if copy.error_code:
        when = f"{copy.fetched_at.astimezone(TZ):%Y-%m-%d %H:%M}" if copy.fetched_at else ""
        error = RuleViolation(
            "E090",
            detail_zh=f"{platform.name}：以下为{when}获取的内容" if copy.fetched_at else f"{platform.name}：尚无可显示的内容",
            detail_en=f"{platform.name}: showing the copy fetched at {when}" if copy.fetched_at else f"{platform.name}: nothing to show yet",
        )
    return Source(platform_code=platform.code, platform_name=platform.name, url=platform.url, fetched_at=copy.fetched_at, departments=list((copy.data or {}).get("departments") or []), error=error)


def sources() -> list[Source]:
    """Every active supervision platform's departments (refreshed when stale), the last good copy if it is away."""
    return [_source(refresh(p), p) for p in supervision_platforms()]


def source(platform_code: str) -> Source | None:
    p = next((p for p in supervision_platforms() if p.code == platform_code), None)
    return _source(refresh(p), p) if p is not None else None


def refresh_due() -> None:
    """The worker's pass (hub PERIODIC): keep every copy at most a TTL old."""
    for p in supervision_platforms():
        try:
            refresh(p)
        except Exception:  # noqa: BLE001 - one platform's trouble must not stop the worker's other work
            log.exception("refreshing the published duties of %s", p.code)

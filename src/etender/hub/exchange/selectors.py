from __future__ import annotations

import time
from typing import Any

from django.db import close_old_connections

from .models import FeedEntry, Platform


def platforms_public():
    return Platform.objects.filter(status=Platform.Status.ACTIVE).order_by("name")


def region_prefix(region_code: str) -> str:
    """330000 → "33", 330100 → "3301", 330106 → "330106": the records a jurisdiction covers."""
    code = region_code or ""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def feed_page(*, after: int, limit: int, full: bool, wait: float = 0.0, region: str | None = None) -> tuple[list[dict[str, Any]], int]:
    """Entries with seq > after, in order; waits up to ``wait`` seconds for the first one (long poll).

    ``full`` shows restricted and secret fields (supervision, staff); ``region``
    limits the entries to a jurisdiction (a supervision platform's).
    """
    from etender.kernel.exchange import public_key, public_view

    deadline = time.monotonic() + max(0.0, min(wait, 30.0))
    while True:
        qs = FeedEntry.objects.filter(seq__gt=after)
        if region:
            qs = qs.filter(region_code__startswith=region_prefix(region))
        rows = list(qs.select_related("platform").order_by("seq")[:limit])
        if rows or time.monotonic() >= deadline:
            break
        time.sleep(0.1)
        close_old_connections()
    out = [
        {
            "seq": r.seq,
            "dataset": r.dataset,
            "key": r.key if full else public_key(r.dataset, r.key),
            "op": r.op,
            "version": r.version,
            "platform": r.platform.code,
            "platform_name": r.platform.name,
            "origin": r.origin_code or r.platform.code,
            "origin_name": r.origin_name or r.platform.name,
            "region": r.region_code,
            "exchanged_at": r.exchanged_at,
            "record": r.data if full else public_view(r.dataset, r.data),
        }
        for r in rows
    ]
    return out, (rows[-1].seq if rows else after)


def platform_scope(request) -> tuple[bool, str | None]:
    """The feed scope of a platform's signed request (kernel.platform_requests): (full, region).

    The platform signs the canonical JSON of {method, path, timestamp} (path with
    its query string) with its registered key; the timestamp must be within 5
    minutes.  Supervision platforms see everything within their jurisdiction,
    hubs (an upper-level hub reading this one) everything, trading platforms the
    public view.
    """
    from etender.kernel.errors import RuleViolation
    from etender.kernel.platform_requests import request_platform, verify_request

    platform = Platform.objects.filter(code=request_platform(request), status=Platform.Status.ACTIVE).first()
    if platform is None:
        raise RuleViolation("E015")
    verify_request(request, public_key=platform.public_key)
    if platform.kind == Platform.Kind.SUPERVISION:
        return True, platform.region_code or None
    if platform.kind == Platform.Kind.HUB:
        return True, None
    return False, None

from __future__ import annotations

import time
from typing import Any

from django.db import close_old_connections

from .models import FeedEntry, Platform


def platforms_public():
    return Platform.objects.filter(status=Platform.Status.ACTIVE).order_by("name")


def feed_page(*, after: int, limit: int, full: bool, wait: float = 0.0) -> tuple[list[dict[str, Any]], int]:
    """Entries with seq > after, in order; waits up to ``wait`` seconds for the first one (long poll)."""
    from etender.kernel.exchange import public_key, public_view

    deadline = time.monotonic() + max(0.0, min(wait, 30.0))
    while True:
        rows = list(FeedEntry.objects.filter(seq__gt=after).select_related("platform").order_by("seq")[:limit])
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
            "exchanged_at": r.exchanged_at,
            "record": r.data if full else public_view(r.dataset, r.data),
        }
        for r in rows
    ]
    return out, (rows[-1].seq if rows else after)

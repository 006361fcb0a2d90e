"""Writes of the open data: only the derived index of :mod:`.models` (open data itself is read-only).

The index is derived from the change feed and can be rebuilt from it at any time, so keeping it
is not an operation of 电子办法 49 and is not audited.
"""

from __future__ import annotations

from typing import Any, Final

from django.db import IntegrityError, transaction
from django.db.models import Max

from etender.hub.exchange.models import FeedEntry

from .mapping import MAPPED
from .models import IndexState, Member

CHUNK: Final = 2000


def _codes(dataset: str, key: str, data: Any) -> dict[str, str]:
    data = data if isinstance(data, dict) else {}

    def code(name: str) -> str:
        v = data.get(name)
        return v[:40] if isinstance(v, str) else ""

    return {
        "tender_project": key[:40] if dataset == "501" else code("TENDER_PROJECT_CODE"),
        "project": key[:40] if dataset == "500" else code("PROJECT_CODE") if dataset == "501" else "",
        "section": code("BID_SECTION_CODE"),
    }


def _state_locked() -> IndexState:
    state = IndexState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        try:
            with transaction.atomic():
                IndexState.objects.create(pk=1)
        except IntegrityError:  # created meanwhile by another request
            pass
        state = IndexState.objects.select_for_update().get(pk=1)
    return state


def process_index_update() -> int:
    """Bring the index up to the last feed position and return that position.

    Idempotent; concurrent callers wait for each other (row lock on PostgreSQL, SQLite writes
    are serialised).  Returns at once when the index is current.
    """
    last = FeedEntry.objects.aggregate(m=Max("seq"))["m"] or 0
    current = IndexState.objects.filter(pk=1).values_list("position", flat=True).first() or 0
    if current >= last:
        return current
    with transaction.atomic():
        state = _state_locked()
        while state.position < last:
            rows = list(
                FeedEntry.objects.filter(seq__gt=state.position, seq__lte=last, dataset__in=MAPPED)
                .order_by("seq")
                .values_list("seq", "record_id", "dataset", "key", "data")[:CHUNK]
            )
            latest: dict[int, Member] = {}
            for _, record_id, dataset, key, data in rows:  # a later version replaces an earlier one
                latest[record_id] = Member(record_id=record_id, dataset=dataset, **_codes(dataset, key, data))
            if latest:
                Member.objects.bulk_create(latest.values(), update_conflicts=True, unique_fields=["record"], update_fields=["dataset", "tender_project", "project", "section"])
            state.position = rows[-1][0] if len(rows) == CHUNK else last
            state.save(update_fields=["position"])
    return state.position

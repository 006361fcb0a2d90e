"""Reads of the instruction relay: a trading platform's inbox, a supervision platform's status events."""

from __future__ import annotations

import time
from typing import Any

from django.db import close_old_connections

from etender.hub.exchange.models import Platform

from .models import Directive, StatusEvent

MAX_WAIT = 30.0


def _wait_for(query, *, after: int, field: str, limit: int, wait: float) -> list:
    deadline = time.monotonic() + max(0.0, min(wait, MAX_WAIT))
    while True:
        rows = list(query.filter(**{f"{field}__gt": after}).order_by(field)[:limit])
        if rows or time.monotonic() >= deadline:
            return rows
        time.sleep(0.05)
        close_old_connections()


def inbox_page(*, platform: Platform, after: int, limit: int = 100, wait: float = 0.0) -> tuple[list[Directive], int]:
    """Instructions addressed to ``platform`` with inbox sequence > after (long poll up to ``wait`` s)."""
    rows = _wait_for(Directive.objects.filter(target=platform), after=after, field="inbox_seq", limit=limit, wait=wait)
    return rows, (rows[-1].inbox_seq if rows else after)


def inbox_item(d: Directive) -> dict[str, Any]:
    return {"seq": d.inbox_seq, "instruction_id": d.instruction_id, "envelope": d.envelope, "hub_signature": d.hub_signature}


def status_page(*, platform: Platform, after: int, limit: int = 100, wait: float = 0.0) -> tuple[list[dict[str, Any]], int]:
    """Status events of the instructions ``platform`` issued, seq > after (long poll up to ``wait`` s)."""
    rows = _wait_for(StatusEvent.objects.filter(supervision=platform).select_related("directive", "directive__target"), after=after, field="seq", limit=limit, wait=wait)
    items = [
        {
            "seq": e.seq,
            "instruction_id": e.directive.instruction_id,
            "kind": e.kind,
            "at": e.at,
            "target": e.directive.target.code,
            "target_name": e.directive.target.name,
            "tender_name": e.directive.tender_name,
            "report": e.report,
            "report_signature": e.report_signature,
        }
        for e in rows
    ]
    return items, (rows[-1].seq if rows else after)


def directives_for_staff():
    return Directive.objects.select_related("supervision", "target").order_by("-received_at")

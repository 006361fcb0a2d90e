"""The outbox to the hub: written with the business change, delivered in order, at least once, never twice.

- ``outbox_add`` is called by the business services inside their transaction, so
  a record exists exactly when the change it reports does.
- ``deliver`` (run by the worker) fixes the membership of the next batch before
  its first attempt, so a retry after a timeout is identical and the hub's
  (platform, sequence) idempotency answers it without storing anything twice;
  failures back off exponentially (up to 5 minutes) and lose nothing.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from etender.kernel import clock
from etender.kernel.signing import platform_signer

from .models import DeliveryState, OutboxEntry

log = logging.getLogger(__name__)
BATCH_SIZE = 200


def outbox_add(*, dataset: str, record: dict[str, Any], op: str = "upsert") -> OutboxEntry:
    """Queue a record of a national data set for the hub; call inside the business transaction."""
    from etender.kernel.exchange import record_key

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox entries are written inside the business transaction")
    return OutboxEntry.objects.create(dataset=dataset, key=record_key(dataset, record), op=op, record=record, created_at=clock.now())


def _state() -> DeliveryState:
    state, _ = DeliveryState.objects.get_or_create(pk=1)
    return state


@transaction.atomic
def next_batch() -> tuple[int, list[OutboxEntry]] | None:
    """The oldest undelivered batch; assigns a new one from the undelivered entries if none is pending."""
    pending = OutboxEntry.objects.filter(delivered_at__isnull=True, batch__isnull=False).order_by("batch").values_list("batch", flat=True).first()
    if pending is None:
        ids = list(OutboxEntry.objects.select_for_update().filter(delivered_at__isnull=True, batch__isnull=True).order_by("id").values_list("id", flat=True)[:BATCH_SIZE])
        if not ids:
            return None
        pending = ids[0]
        OutboxEntry.objects.filter(id__in=ids).update(batch=pending)
    return pending, list(OutboxEntry.objects.filter(batch=pending).order_by("id"))


def batch_body(sequence: int, entries: list[OutboxEntry]) -> dict[str, Any]:
    body = {
        "platform": settings.ETENDER_PLATFORM_CODE,
        "sequence": sequence,
        "records": [{"dataset": e.dataset, "key": e.key, "op": e.op, "record": e.record, "occurred_at": e.created_at.isoformat()} for e in entries],
    }
    return {**body, "signature": platform_signer().sign(body)}


def _post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    req = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        try:
            return e.code, json.loads(e.read().decode("utf-8"))
        except ValueError:
            return e.code, {}


def deliver(*, max_batches: int = 20) -> int:
    """Send pending batches to ``ETENDER_HUB_URL`` in order; returns how many records were delivered."""
    hub = getattr(settings, "ETENDER_HUB_URL", "")
    if not hub:
        return 0
    state = _state()
    now = clock.now()
    if state.next_attempt_at and now < state.next_attempt_at:
        return 0
    delivered = 0
    for _ in range(max_batches):
        batch = next_batch()
        if batch is None:
            break
        sequence, entries = batch
        try:
            status, answer = _post(hub.rstrip("/") + "/api/exchange/v1/batches", batch_body(sequence, entries))
        except (OSError, ValueError) as exc:
            status, answer = 0, {"message": repr(exc)}
        if status == 200:
            OutboxEntry.objects.filter(batch=sequence).update(delivered_at=clock.now())
            delivered += len(entries)
            DeliveryState.objects.filter(pk=state.pk).update(attempts=0, next_attempt_at=None, last_error="", last_success_at=clock.now())
            continue
        attempts = state.attempts + 1
        wait = min(2**attempts, 300)
        error = f"batch {sequence}: HTTP {status} {answer.get('code', '')} {answer.get('message', '')} {json.dumps(answer.get('params', {}), ensure_ascii=False)[:2000]}"
        log.warning("hub delivery failed: %s (retry in %s s)", error, wait)
        DeliveryState.objects.filter(pk=state.pk).update(attempts=attempts, next_attempt_at=clock.now() + timedelta(seconds=wait), last_error=error)
        break
    return delivered


def backlog() -> dict[str, Any]:
    state = _state()
    return {
        "undelivered": OutboxEntry.objects.filter(delivered_at__isnull=True).count(),
        "attempts": state.attempts,
        "next_attempt_at": state.next_attempt_at,
        "last_error": state.last_error,
        "last_success_at": state.last_success_at,
    }

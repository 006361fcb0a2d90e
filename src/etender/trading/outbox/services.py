"""The outbox to the hub: written with the business change, delivered in order, at least once, never twice.

- ``outbox_add`` is called by the business services inside their transaction, so
  a record exists exactly when the change it reports does.
- ``deliver`` (run by the worker) fixes the membership of the next batch before
  its first attempt, so a retry after a timeout is identical and the hub's
  (platform, sequence) idempotency answers it without storing anything twice;
  failures back off exponentially (up to MAX_BACKOFF) and lose nothing.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from etender.kernel import clock
from etender.kernel.errors import RuleViolation
from etender.kernel.exchange import client as exchange_client

from .models import DeliveryState, OutboxEntry

log = logging.getLogger(__name__)
BATCH_SIZE = 200
MAX_BACKOFF = 30  # seconds; the hub is back within this of its return


def outbox_add(*, dataset: str, record: dict[str, Any], op: str = "upsert") -> OutboxEntry:
    """Queue a record of a national data set for the hub; call inside the business transaction."""
    from etender.kernel.exchange import record_key

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox entries are written inside the business transaction")
    return OutboxEntry.objects.create(dataset=dataset, key=record_key(dataset, record), op=op, record=record, created_at=clock.now())


def disclose(*, dataset: str, record: dict[str, Any], op: str = "upsert") -> OutboxEntry:
    """Check a record against the exchange standard, then queue it; a record the hub would refuse is refused here.

    Raises E016 naming every missing or malformed national field, so the user
    learns what to complete before the business change is made (the
    transaction is rolled back), instead of a batch stuck at the hub.
    """
    from etender.kernel.exchange import validate_record

    errors = validate_record(dataset, record)
    if errors:
        zh = "；".join(e.message_zh for e in errors)
        en = "; ".join(e.message_en for e in errors)
        raise RuleViolation(
            "E016",
            detail_zh=f"数据集{dataset}：{zh}",
            detail_en=f"data set {dataset}: {en}",
            params={"errors": [{"dataset": dataset, "code": e.code, "field": e.field, "message_zh": e.message_zh, "message_en": e.message_en} for e in errors]},
        )
    return outbox_add(dataset=dataset, record=record, op=op)


def disclose_tender_published(*, tender, published_by: int | None) -> None:
    """500 project, 501 tender project, 502 every lot and 503 the announcement, in that order (parents first)."""
    from . import records

    disclose(dataset="500", record=records.project_record(tender.project))
    disclose(dataset="501", record=records.tender_record(tender))
    for lot in tender.lots.order_by("number"):
        disclose(dataset="502", record=records.lot_record(lot))
    disclose(dataset="503", record=records.announcement_record(tender, published_by=published_by))


def disclose_clarification(*, clarification) -> None:
    """504 澄清与修改."""
    from . import records

    disclose(dataset="504", record=records.clarification_record(clarification))


def disclose_opening(*, lot) -> None:
    """506 开标记录 of the lot's tender and opening time (re-sent, as a new version, as each lot finishes)."""
    from . import records

    disclose(dataset="506", record=records.opening_record(lot.tender, lot.opening_started_at))


def _state() -> DeliveryState:
    state, _ = DeliveryState.objects.get_or_create(pk=1)
    return state


@transaction.atomic
def next_batch() -> tuple[int, list[OutboxEntry]] | None:
    """The oldest undelivered batch; assigns a new one from the undelivered entries if none is pending."""
    pending = OutboxEntry.objects.filter(delivered_at__isnull=True, rejected_at__isnull=True, batch__isnull=False).order_by("batch").values_list("batch", flat=True).first()
    if pending is None:
        ids = list(OutboxEntry.objects.select_for_update().filter(delivered_at__isnull=True, rejected_at__isnull=True, batch__isnull=True).order_by("id").values_list("id", flat=True)[:BATCH_SIZE])
        if not ids:
            return None
        pending = ids[0]
        OutboxEntry.objects.filter(id__in=ids).update(batch=pending)
    return pending, list(OutboxEntry.objects.filter(batch=pending, rejected_at__isnull=True).order_by("id"))


def batch_records(entries: list[OutboxEntry]) -> list[dict[str, Any]]:
    return [exchange_client.batch_record(dataset=e.dataset, key=e.key, op=e.op, record=e.record, occurred_at=e.created_at) for e in entries]


def batch_body(sequence: int, entries: list[OutboxEntry]) -> dict[str, Any]:
    """The signed batch of these entries, exactly as ``deliver`` sends it (kernel.exchange.client)."""
    return exchange_client.batch_body(platform=settings.ETENDER_PLATFORM_CODE, sequence=sequence, records=batch_records(entries))


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
        result = exchange_client.send_batch(hub, platform=settings.ETENDER_PLATFORM_CODE, sequence=sequence, records=batch_records(entries))
        status, answer, refused = result.status, result.answer, result.refused
        if refused:
            # Records the hub will never take (a code another platform owns, a record it finds invalid) are set
            # aside with its reason for the operator; the rest of the batch is regrouped and goes on, so one bad
            # record cannot stop the platform's disclosure.
            with transaction.atomic():
                for i in refused:
                    OutboxEntry.objects.filter(pk=entries[i].pk).update(rejected_at=clock.now(), rejection=json.dumps(answer, ensure_ascii=False)[:4000])
                OutboxEntry.objects.filter(batch=sequence, rejected_at__isnull=True).update(batch=None)
            log.error("hub refused %d record(s) of batch %s: %s", len(refused), sequence, answer.get("message", ""))
            continue
        if status == 200:
            OutboxEntry.objects.filter(batch=sequence, rejected_at__isnull=True).update(delivered_at=clock.now())
            delivered += len(entries)
            DeliveryState.objects.filter(pk=state.pk).update(attempts=0, next_attempt_at=None, last_error="", last_success_at=clock.now())
            continue
        attempts = state.attempts + 1
        wait = min(2**attempts, MAX_BACKOFF)
        error = f"batch {sequence}: HTTP {status} {answer.get('code', '')} {answer.get('message', '')} {json.dumps(answer.get('params', {}), ensure_ascii=False)[:2000]}"
        log.warning("hub delivery failed: %s (retry in %s s)", error, wait)
        DeliveryState.objects.filter(pk=state.pk).update(attempts=attempts, next_attempt_at=clock.now() + timedelta(seconds=wait), last_error=error)
        break
    return delivered


def deliver_if_pending() -> int:
    """``deliver`` when something waits: one indexed query when idle, so the worker can ask many times a second."""
    if not OutboxEntry.objects.filter(delivered_at__isnull=True, rejected_at__isnull=True).exists():
        return 0
    return deliver()


def backlog() -> dict[str, Any]:
    state = _state()
    return {
        "undelivered": OutboxEntry.objects.filter(delivered_at__isnull=True, rejected_at__isnull=True).count(),
        "refused": OutboxEntry.objects.filter(rejected_at__isnull=False).count(),
        "attempts": state.attempts,
        "next_attempt_at": state.next_attempt_at,
        "last_error": state.last_error,
        "last_success_at": state.last_success_at,
    }

"""The supervision platform's sender to the hub: decided complaints as data set 404.

The same signed batch protocol as the trading outbox (``POST /api/exchange/v1/batches`` sent with
``etender.kernel.exchange.client``, Ed25519 over the
RFC 8785 canonical JSON of {platform, sequence, records} with this instance's key, docs/hub-exchange.md):
records are queued in the decision's transaction, a batch's membership is fixed before its first attempt
(sequence = the id of its first record) so a retry is byte-for-byte the same, failures back off, records
the hub refuses for good are set aside with its reason.  The platform is registered at the hub with kind
``supervision``; the hub takes 404 (and only 404) from it, for tenders within its jurisdiction.
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

from .models import HubOutbox

log = logging.getLogger(__name__)
BATCH_SIZE = 100
MAX_BACKOFF = 30


def hub_disclose(*, dataset: str, record: dict[str, Any], op: str = "upsert") -> HubOutbox:
    """Validate a record against the exchange standard and queue it; call inside the business transaction (E016)."""
    from etender.kernel.exchange import record_key, validate_record

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox entries are written inside the business transaction")
    errors = validate_record(dataset, record)
    if errors:
        raise RuleViolation(
            "E016",
            detail_zh=f"数据集{dataset}：" + "；".join(e.message_zh for e in errors),
            detail_en=f"data set {dataset}: " + "; ".join(e.message_en for e in errors),
            params={"errors": [{"dataset": dataset, "code": e.code, "field": e.field, "message_zh": e.message_zh, "message_en": e.message_en} for e in errors]},
        )
    return HubOutbox.objects.create(dataset=dataset, key=record_key(dataset, record), op=op, record=record, created_at=clock.now())


@transaction.atomic
def _next_batch() -> tuple[int, list[HubOutbox]] | None:
    pending = HubOutbox.objects.filter(delivered_at__isnull=True, rejected_at__isnull=True, batch__isnull=False).order_by("batch").values_list("batch", flat=True).first()
    if pending is None:
        ids = list(HubOutbox.objects.select_for_update().filter(delivered_at__isnull=True, rejected_at__isnull=True, batch__isnull=True).order_by("id").values_list("id", flat=True)[:BATCH_SIZE])
        if not ids:
            return None
        pending = ids[0]
        HubOutbox.objects.filter(id__in=ids).update(batch=pending)
    return pending, list(HubOutbox.objects.filter(batch=pending, rejected_at__isnull=True).order_by("id"))


def deliver(*, max_batches: int = 10) -> int:
    """Send the queued 404 records to ``ETENDER_HUB_URL`` in order; returns how many were delivered."""
    hub = getattr(settings, "ETENDER_HUB_URL", "")
    code = getattr(settings, "ETENDER_PLATFORM_CODE", "")
    if not hub or not code:
        return 0
    delivered = 0
    for _ in range(max_batches):
        batch = _next_batch()
        if batch is None:
            break
        sequence, entries = batch
        if entries[0].next_attempt_at and clock.now() < entries[0].next_attempt_at:
            break
        records = [exchange_client.batch_record(dataset=e.dataset, key=e.key, op=e.op, record=e.record, occurred_at=e.created_at) for e in entries]
        result = exchange_client.send_batch(hub, platform=code, sequence=sequence, records=records)
        status, answer = result.status, result.answer
        if result.delivered:
            HubOutbox.objects.filter(batch=sequence, rejected_at__isnull=True).update(delivered_at=clock.now(), last_error="")
            delivered += len(entries)
            continue
        if result.refusal:
            refused = result.refused or list(range(len(entries)))
            with transaction.atomic():
                for i in refused:
                    HubOutbox.objects.filter(pk=entries[i].pk).update(rejected_at=clock.now(), rejection=json.dumps(answer, ensure_ascii=False)[:4000])
                HubOutbox.objects.filter(batch=sequence, rejected_at__isnull=True).update(batch=None)
            log.error("hub refused %d complaint record(s) of batch %s: %s", len(refused), sequence, answer.get("message", ""))
            continue
        attempts = entries[0].attempts + 1
        error = f"batch {sequence}: HTTP {status} {answer.get('code', '')} {answer.get('message', '')}"[:2000]
        HubOutbox.objects.filter(batch=sequence).update(attempts=attempts, next_attempt_at=clock.now() + timedelta(seconds=min(2**attempts, MAX_BACKOFF)), last_error=error)
        log.warning("hub delivery of complaints failed: %s", error)
        break
    return delivered


def deliver_if_pending() -> int:
    if not HubOutbox.objects.filter(delivered_at__isnull=True, rejected_at__isnull=True).exists():
        return 0
    return deliver()

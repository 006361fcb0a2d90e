from __future__ import annotations

from typing import Any

from django.db import models, transaction

from etender.kernel import clock

from . import log
from .actors import Actor
from .models import AuditEntry


def audit_record(*, actor: Actor, action: str, obj: models.Model | None = None, data: dict[str, Any] | None = None, checkpoint: bool = False) -> AuditEntry:
    """Record an operation as the next leaf of the tamper-evident log; call inside the service's transaction.

    ``checkpoint=True`` marks the important moments (announcement published,
    submission closed, opening finished …): a signed checkpoint covering this
    entry is issued in the same transaction, so it exists exactly when the
    operation does.
    """
    entry = AuditEntry(
        occurred_at=clock.now(),
        user_id=actor.user_id,
        username=actor.username,
        entity_code=actor.entity_code or "",
        ip=actor.ip,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        data=data or {},
    )
    with transaction.atomic():
        log.append(entry)
    if checkpoint:
        log.checkpoint_issue(reason=action)
    return entry

from __future__ import annotations

from typing import Any

from django.db import models

from etender.kernel import clock

from .actors import Actor
from .models import AuditEntry


def audit_record(*, actor: Actor, action: str, obj: models.Model | None = None, data: dict[str, Any] | None = None) -> AuditEntry:
    """Record an operation; call inside the service's transaction."""
    return AuditEntry.objects.create(
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

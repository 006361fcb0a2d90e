from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from .models import AuditEntry


def audit_for(obj: models.Model) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("id")


def audit_by_action(action: str) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(action=action).order_by("id")

"""Reads of the witness: everything here is public (checkpoints are public, and so is evidence of a fork)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import WitnessAlert, WitnessedCheckpoint, WitnessedLog


def logs_public() -> QuerySet[WitnessedLog]:
    return WitnessedLog.objects.select_related("platform").order_by("platform__name", "origin")


def log_by_origin(origin: str) -> WitnessedLog | None:
    return WitnessedLog.objects.select_related("platform").filter(origin=origin).first()


def checkpoints_of(log: WitnessedLog, *, after: int = -1, limit: int = 100) -> QuerySet[WitnessedCheckpoint]:
    return WitnessedCheckpoint.objects.filter(log=log, size__gt=after).order_by("size")[:limit]


def alerts_public(*, after: int = 0, limit: int = 100) -> QuerySet[WitnessAlert]:
    """Alerts in the order they were raised; ``after`` is the last id a reader has seen."""
    return WitnessAlert.objects.select_related("platform").filter(pk__gt=after).order_by("pk")[:limit]


def alerts_recent(limit: int = 50) -> QuerySet[WitnessAlert]:
    return WitnessAlert.objects.select_related("platform").order_by("-pk")[:limit]


def alert(pk: int) -> WitnessAlert | None:
    return WitnessAlert.objects.select_related("platform").filter(pk=pk).first()

"""Reads of supervisory instructions: operators see all, a tenderer or its agency those of its tenders."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from etender.kernel.errors import RuleViolation
from etender.trading.accounts.selectors import entity_of

from .models import Instruction


def instructions_for(user) -> QuerySet[Instruction]:
    qs = Instruction.objects.select_related("tender").order_by("-received_at", "-id")
    if getattr(user, "is_staff", False):
        return qs
    entity = entity_of(user)
    if entity is None:
        return qs.none()
    return qs.filter(Q(tender__tenderer=entity) | Q(tender__agency=entity))


def instruction_get(user, pk: int) -> Instruction:
    inst = instructions_for(user).filter(pk=pk).first()
    if inst is None:
        raise RuleViolation("E005")
    return inst


def open_for_tender(tender) -> list[Instruction]:
    """Instructions of a tender still awaiting execution, and the suspending one (for the banner)."""
    return list(Instruction.objects.filter(tender=tender).filter(Q(status=Instruction.Status.RECEIVED) | Q(instruction_id=tender.suspension_ref or "-")).order_by("-received_at"))

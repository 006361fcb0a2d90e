"""Reads of supervisory instructions: a department's staff see their departments' instructions."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from etender.kernel import clock
from etender.kernel.errors import RuleViolation
from etender.supervision.monitor.selectors import departments_of

from .models import Directive, Status


def directives_for(user, *, status: str = "", overdue: bool = False, tender_code: str = "") -> QuerySet[Directive]:
    qs = Directive.objects.select_related("department").order_by("-issued_at", "-id")
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser):
        qs = qs.filter(department__in=departments_of(user))
    if status in Status.values:
        qs = qs.filter(status=status)
    if overdue:
        now = clock.now()
        qs = qs.exclude(status=Status.REFUSED).filter(Q(acknowledged_at__isnull=True, ack_due_at__lt=now) | Q(executed_at__isnull=True, execute_due_at__lt=now))
    if tender_code:
        qs = qs.filter(tender_code=tender_code)
    return qs


def directive_get(user, instruction_id: str) -> Directive:
    d = directives_for(user).filter(instruction_id=instruction_id).first()
    if d is None:
        raise RuleViolation("E005")
    return d


def may_issue(user) -> bool:
    return bool(departments_of(user))


def ack_overdue(d: Directive) -> bool:
    return d.status != Status.REFUSED and d.acknowledged_at is None and clock.now() > d.ack_due_at


def execute_overdue(d: Directive) -> bool:
    return d.status != Status.REFUSED and d.executed_at is None and clock.now() > d.execute_due_at

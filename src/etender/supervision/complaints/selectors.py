"""Reads of complaints, and who may see or handle them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from etender.supervision.duties.models import Department, DepartmentStaff

from .models import Complaint, Status


def tender_lookup(code: str) -> Any | None:
    """The tender of the supervision read model (monitor's ``tender_by_code``), or None: the one place
    complaints read the read model (TenderView: .code, .name, .region_code, .industry, .tender_type,
    .platform_code, .tenderer_name, .tenderer_code, .lots)."""
    from etender.supervision.monitor.selectors import tender_by_code

    return tender_by_code(code)


def deal_code_of(lot_code: str) -> str:
    """The lot's 统一交易标识码, from the latest 502 record the read model applied."""
    from etender.supervision.monitor.models import FeedEvent

    rec = FeedEvent.objects.filter(dataset="502", key=lot_code).order_by("-seq").values_list("record", flat=True).first()
    return str((rec or {}).get("UNIFIED_DEAL_CODE") or "")


def lots_of(view: Any) -> list[Any]:
    return list(getattr(view, "lots", None) or [])


def _attr(obj: Any, *names: str, default: str = "") -> str:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value:
            return str(value)
    return default


def lot_fields(lot: Any) -> dict[str, str]:
    return {
        "code": _attr(lot, "code", "lot_code", "BID_SECTION_CODE"),
        "name": _attr(lot, "name", "lot_name", "BID_SECTION_NAME"),
        "deal_code": _attr(lot, "deal_code", "UNIFIED_DEAL_CODE") or deal_code_of(_attr(lot, "code", "BID_SECTION_CODE")),
    }


def _covers(dept: Department, view: Any) -> tuple[int, bool] | None:
    """(how local, whether by duty field rather than as coordinator) if the department's jurisdiction covers
    the tender — monitor's jurisdiction, so a complaint goes where the monitoring shows the tender."""
    from etender.supervision.monitor.selectors import department_scope

    scope = department_scope(dept)
    region = _attr(view, "region_code")
    if not scope.covers(region_code=region, industry=_attr(view, "industry"), tender_type=_attr(view, "tender_type")):
        return None
    return max((len(p) for p in scope.regions if p and region.startswith(p)), default=0), not scope.everything


def department_for(view: Any) -> Department | None:
    """The department whose jurisdiction covers the tender: a department of the tender's own field before a
    coordinating one (发展改革), the most local before the provincial, then the published order."""
    best: tuple[bool, int, int] | None = None
    chosen = None
    for dept in Department.objects.all():
        covered = _covers(dept, view)
        if covered is None:
            continue
        level, specific = covered
        rank = (specific, level, -dept.order)
        if best is None or rank > best:
            best, chosen = rank, dept
    return chosen


def staff_departments(user) -> QuerySet[Department]:
    if user is None or not user.is_authenticated:
        return Department.objects.none()
    if user.is_superuser:
        return Department.objects.all()
    return Department.objects.filter(pk__in=DepartmentStaff.objects.filter(user=user).values("department"))


def is_regulator(user) -> bool:
    return staff_departments(user).exists()


def can_handle(user, complaint: Complaint) -> bool:
    return staff_departments(user).filter(pk=complaint.department_id).exists()


def can_view(user, complaint: Complaint) -> bool:
    return bool(user and user.is_authenticated and (complaint.complainant_id == user.pk or can_handle(user, complaint)))


def complaints_for(user, *, status: str | None = None) -> QuerySet[Complaint]:
    """The complaints a user may see: those they lodged, and those of the departments they work for."""
    if user is None or not user.is_authenticated:
        return Complaint.objects.none()
    qs = Complaint.objects.filter(Q(complainant=user) | Q(department__in=staff_departments(user))).select_related("department")
    if status:
        qs = qs.filter(status=status)
    return qs


def complaint_get(*, user, number: str) -> Complaint | None:
    c = Complaint.objects.select_related("department").filter(number=number).first()
    return c if c is not None and can_view(user, c) else None


def dashboard(user) -> list[Complaint]:
    """Open complaints of the user's departments, the most urgent first (overdue, then by the next due date)."""
    qs = Complaint.objects.filter(department__in=staff_departments(user), status__in=[Status.LODGED, Status.ACCEPTED]).select_related("department")
    def due(c: Complaint):
        return c.accept_due if c.status == Status.LODGED else c.decision_due
    return sorted(qs, key=lambda c: (due(c) is None, due(c) or c.accept_due, c.pk))


def recent_closed(user, limit: int = 20) -> list[Complaint]:
    return list(Complaint.objects.filter(department__in=staff_departments(user), status__in=[Status.REJECTED, Status.DECIDED]).select_related("department").order_by("-id")[:limit])

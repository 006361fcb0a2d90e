"""Reads of the published duties."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch, Q, QuerySet

from .models import Department, DepartmentStaff, DutySection, SectionKind


def user_can_edit(user, department: Department) -> bool:
    """Staff of the department and superusers may edit its published duties."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return DepartmentStaff.objects.filter(user=user, department=department).exists()


def department_list(*, user=None) -> QuerySet[Department]:
    """Published departments, plus the unpublished ones ``user`` may edit."""
    qs = Department.objects.filter(published=True)
    if user is not None and user.is_authenticated and user.is_active:
        qs = Department.objects.all() if user.is_superuser else Department.objects.filter(Q(published=True) | Q(pk__in=DepartmentStaff.objects.filter(user=user).values("department")))
    return qs.annotate(section_count=Count("sections", distinct=True), last_updated=Max("sections__updated_at")).order_by("order", "code")


def department_get(*, code: str, user=None) -> Department | None:
    """A department by code, if published or editable by ``user``."""
    dept = Department.objects.prefetch_related(Prefetch("sections", queryset=DutySection.objects.order_by("order", "id"))).filter(code=code).first()
    if dept is None:
        return None
    if dept.published or user_can_edit(user, dept):
        return dept
    return None


def department_for_edit(*, code: str) -> Department | None:
    return Department.objects.filter(code=code).first()


def section_get(*, department: Department, kind: str) -> DutySection | None:
    return DutySection.objects.filter(department=department, kind=kind).first()


@dataclass(frozen=True)
class SectionSlot:
    """One of the seven items of art 47, with its section if one is published."""

    kind: str
    label: str
    section: DutySection | None


def section_slots(department: Department) -> list[SectionSlot]:
    """Every item of art 47 in order (``section`` is None where nothing is published yet)."""
    by_kind = {s.kind: s for s in department.sections.all()}
    slots = [SectionSlot(kind=k, label=str(label), section=by_kind.get(k)) for k, label in SectionKind.choices]
    return sorted(slots, key=lambda s: (s.section.order if s.section else SectionKind.position(s.kind), SectionKind.position(s.kind)))

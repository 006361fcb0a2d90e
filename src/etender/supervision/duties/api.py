"""Public read API of the published duties, and the staff write (电子办法 47, 48)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse
from ninja import Router, Schema
from pydantic import Field

from etender.kernel.audit.actors import Actor
from etender.kernel.codes import region_full_name
from etender.kernel.errors import RuleViolation
from etender.kernel.web.api import AUTH, ErrorOut

from . import selectors, services
from .models import Department, DutySection, Industry, SectionKind

router = Router(tags=["duties"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class IndustryOut(Schema):
    code: str
    label: str


class DepartmentSummaryOut(Schema):
    code: str
    name: str
    region_code: str
    region_name: str | None
    industries: list[IndustryOut]
    address: str
    phone: str
    complaint_phone: str
    email: str
    website: str
    url: str = Field(description="the department's public page")


class SectionOut(Schema):
    kind: str = Field(description="one of " + ", ".join(SectionKind.values))
    kind_label: str
    title: str
    body: str
    order: int
    version: int
    updated_at: datetime | None
    updated_by: str


class DepartmentOut(DepartmentSummaryOut):
    sections: list[SectionOut]


class PublishedOut(Schema):
    platform_code: str = Field(description="this supervision platform's credit code as registered at the hub (may be empty)")
    generated_at: datetime
    departments: list[DepartmentOut]


class SectionIn(Schema):
    title: str = Field("", description=f"at most {services.TITLE_MAX} characters")
    body: str = Field(description=f"plain text, at most {services.BODY_MAX} characters")
    version: int | None = Field(None, ge=0, description="the version the edit starts from; a newer version on the server is refused with E007")


def department_summary(dept: Department) -> dict[str, Any]:
    labels = dict(Industry.choices)
    return {
        "code": dept.code,
        "name": dept.name,
        "region_code": dept.region_code,
        "region_name": region_full_name(dept.region_code),
        "industries": [{"code": i, "label": str(labels[i])} for i in dept.industries if i in labels],
        "address": dept.address,
        "phone": dept.phone,
        "complaint_phone": dept.complaint_phone,
        "email": dept.email,
        "website": dept.website,
        "url": reverse("duties:department", args=[dept.code]),
    }


def section_out(section: DutySection) -> dict[str, Any]:
    return {
        "kind": section.kind,
        "kind_label": str(section.get_kind_display()),
        "title": section.title,
        "body": section.body,
        "order": section.order,
        "version": section.version,
        "updated_at": section.updated_at,
        "updated_by": section.updated_by_name,
    }


@router.get("/departments", response=list[DepartmentSummaryOut], auth=None, summary="Published supervising departments")
def department_list(request):
    return [department_summary(d) for d in selectors.department_list()]


@router.get("/departments/{code}", response={200: DepartmentOut, **ERRORS}, auth=None, summary="A department's published duties (电子办法 47)")
def department_detail(request, code: str):
    dept = selectors.department_get(code=code)
    if dept is None:
        raise RuleViolation("E005", detail_zh=f"监督部门 {code}", detail_en=f"department {code}")
    return {**department_summary(dept), "sections": [section_out(s) for s in dept.sections.all()]}


@router.get(
    "/duties/v1/published",
    response=PublishedOut,
    auth=None,
    summary="Every published department with all its published items in one answer (what the hub portal shows; 电子办法 47)",
)
def published(request):
    from django.conf import settings

    from etender.kernel import clock

    depts = selectors.department_list().prefetch_related("sections")
    return {
        "platform_code": getattr(settings, "ETENDER_PLATFORM_CODE", ""),
        "generated_at": clock.now(),
        "departments": [{**department_summary(d), "sections": [section_out(s) for s in d.sections.all()]} for d in depts],
    }


@router.put(
    "/departments/{code}/sections/{kind}",
    response={200: SectionOut, **ERRORS},
    auth=AUTH,
    summary="Publish one item of a department's duties (department staff only)",
)
def section_put(request, code: str, kind: SectionKind, payload: SectionIn):
    dept = selectors.department_for_edit(code=code)
    if dept is None:
        raise RuleViolation("E005", detail_zh=f"监督部门 {code}", detail_en=f"department {code}")
    section = services.duty_section_update(
        actor=Actor.from_request(request), department=dept, kind=str(kind.value), title=payload.title, body=payload.body, version=payload.version
    )
    return section_out(section)

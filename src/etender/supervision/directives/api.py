"""Supervisory instructions (电子招标投标办法 52): issue and track (department staff, token or session)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Router, Schema
from pydantic import Field

from etender.kernel.audit.actors import Actor
from etender.kernel.web.api import AUTH, ErrorOut

from . import selectors, services

router = Router(tags=["directives"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class DirectiveIn(Schema):
    kind: str = Field(max_length=12, description="suspend | resume | correct | terminate | inform")
    tender_code: str = Field(max_length=20)
    lot_code: str | None = Field(None, max_length=40)
    reason: str = Field(max_length=5000)
    due_hours: int | None = Field(None, description="hours to execute (1–720); empty: 2 h suspend/resume, 24 h terminate, 5 working days to answer")
    correction: str = Field("", max_length=20_000, description="required for correct")
    questions: list[str] = Field([], max_length=50, description="required for inform")
    complaint_id: str | None = Field(None, max_length=64)


class DirectiveOut(Schema):
    instruction_id: str
    kind: str
    tender_code: str
    tender_name: str
    lot_code: str
    department: str = Field(alias="department.code")
    issued_by_name: str
    reason: str
    correction: str
    questions: list[str]
    complaint_id: str
    issued_at: datetime
    ack_due_at: datetime
    execute_due_at: datetime
    status: str = Field(description="pending | refused | relayed | delivered | acknowledged | executed")
    refused_code: str
    refused_message: str
    target_platform: str
    target_platform_name: str
    relayed_at: datetime | None
    delivered_at: datetime | None
    acknowledged_at: datetime | None
    executed_at: datetime | None
    ack_overdue: bool
    execute_overdue: bool
    outcome: str
    report_text: str
    report: dict[str, Any] | None
    report_signature: str

    @staticmethod
    def resolve_ack_overdue(obj) -> bool:
        return selectors.ack_overdue(obj)

    @staticmethod
    def resolve_execute_overdue(obj) -> bool:
        return selectors.execute_overdue(obj)


@router.post("/directives", response={201: DirectiveOut, **ERRORS}, auth=AUTH, summary="Issue an instruction (department staff, within the jurisdiction: E051)")
def directive_post(request, payload: DirectiveIn):
    d = services.directive_issue(actor=Actor.from_request(request), **payload.dict())
    return 201, d


@router.get("/directives", response={200: list[DirectiveOut], **ERRORS}, auth=AUTH, summary="Instructions of the user's departments; `overdue=true` for late acknowledgements or executions")
def directive_list(request, status: str = "", overdue: bool = False, tender: str = ""):
    return list(selectors.directives_for(request.user, status=status, overdue=overdue, tender_code=tender[:20])[:500])


@router.get("/directives/{instruction_id}", response={200: DirectiveOut, **ERRORS}, auth=AUTH)
def directive_get(request, instruction_id: str):
    return selectors.directive_get(request.user, instruction_id)

"""Supervisory instructions on the trading platform (read; the operators' answer).

Instructions themselves arrive only from the hub's inbox (the worker), never
through this API: there is no endpoint that creates, executes or changes an
instruction on a supervision platform's say.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from pydantic import Field

from etender.kernel.audit.actors import Actor
from etender.kernel.web.api import AUTH, ErrorOut

from . import selectors, services

router = Router(tags=["directives"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


class InstructionOut(Schema):
    id: int
    instruction_id: str
    kind: str = Field(description="suspend | resume | correct | terminate | inform")
    tender_code: str
    lot_code: str
    department_name: str
    reason: str
    correction: str
    questions: list[str]
    issued_at: datetime
    ack_due_at: datetime | None
    execute_due_at: datetime | None
    received_at: datetime
    status: str = Field(description="received | executed")
    executed_at: datetime | None
    outcome: str
    answer: str
    hub_signature: str


@router.get("/directives", response={200: list[InstructionOut], **ERRORS}, auth=AUTH, summary="Supervisory instructions: operators see all, a tenderer or agency those of its tenders")
def instruction_list(request):
    return list(selectors.instructions_for(request.user)[:500])


@router.get("/directives/{pk}", response={200: InstructionOut, **ERRORS}, auth=AUTH)
def instruction_get(request, pk: int):
    return selectors.instruction_get(request.user, pk)


class AnswerIn(Schema):
    text: str = Field(max_length=20_000)


@router.post("/directives/{pk}/answer", response={200: InstructionOut, **ERRORS}, auth=AUTH, summary="The platform's operator answers a correction order or an information request (E057 if done)")
def instruction_answer(request, pk: int, payload: AnswerIn):
    inst = selectors.instruction_get(request.user, pk)
    return services.instruction_answer(actor=Actor.from_request(request), user=request.user, instruction=inst, text=payload.text)

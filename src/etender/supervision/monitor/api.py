"""Monitoring API for department staff: tenders and timelines within the jurisdiction, alerts, the access log.

Everything outside the caller's jurisdiction answers 404 E080 (it does not say whether it exists); every read of a
tender, a timeline or an alert is logged (who, when, which record).
"""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from pydantic import Field

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.kernel.web.api import AUTH, ErrorOut

from . import selectors, services
from .models import Alert, TenderView

router = Router(tags=["monitoring"], auth=AUTH)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _staff(request):
    if not selectors.may_monitor(request.user):
        raise RuleViolation("E006", detail_zh="只有行政监督部门的工作人员可以使用监测功能", detail_en="only staff of a supervising department may use monitoring")


class LotOut(Schema):
    code: str
    name: str
    classify_code: str
    result_at: datetime | None
    contract_at: datetime | None


class TenderOut(Schema):
    code: str
    name: str
    region_code: str
    industry: str
    tender_type: str
    stage: str
    platform_code: str = Field(description="the trading platform the records come from")
    platform_name: str
    tenderer_name: str
    tenderer_code: str
    agency_name: str
    bid_deadline: datetime | None
    bid_open_time: datetime | None
    last_exchanged_at: datetime | None


class TenderDetailOut(TenderOut):
    lots: list[LotOut]


class EventOut(Schema):
    seq: int = Field(description="position in the hub's change feed")
    dataset: str
    key: str
    op: str
    version: int
    origin_code: str
    origin_name: str
    exchanged_at: datetime = Field(description="when the record reached the hub (exchange time)")
    witnessed: bool = Field(description="a checkpoint of the origin platform's log cosigned by the hub's witness after the exchange time exists")
    witness_cosigned_at: datetime | None
    record: dict


class AlertOut(Schema):
    id: int
    tender_code: str
    platform_code: str
    rule_code: str
    severity: str
    message_zh: str
    message_en: str
    source: str
    event_seq: int | None
    status: str
    assignee: str | None
    resolution: str
    raised_at: datetime
    updated_at: datetime


class AlertIn(Schema):
    status: str | None = Field(None, description="open, in_progress, resolved, dismissed")
    assignee: str | None = Field(None, max_length=150, description="username; empty string unassigns")
    resolution: str | None = Field(None, max_length=5000)


class AccessOut(Schema):
    username: str
    at: datetime
    kind: str
    record: str
    tender_code: str
    path: str
    allowed: bool


def tender_out(t: TenderView) -> dict:
    return {f: getattr(t, f) for f in TenderOut.model_fields}


def alert_out(a: Alert) -> dict:
    return {**{f: getattr(a, f) for f in AlertOut.model_fields if f != "assignee"}, "assignee": a.assignee.get_username() if a.assignee else None}


@router.get("/monitor/v1/tenders", response={200: list[TenderOut], **ERRORS}, summary="Tenders in the caller's jurisdiction (read model of the hub's feed)")
def tenders(request, stage: str | None = None, limit: int = 200):
    _staff(request)
    qs = selectors.tenders_in_jurisdiction(request.user)
    if stage:
        qs = qs.filter(stage=stage)
    services.access_record(request=request, kind="tender_list", record=f"stage={stage or ''}")
    return [tender_out(t) for t in qs[: max(1, min(limit, 1000))]]


@router.get("/monitor/v1/tenders/{code}", response={200: TenderDetailOut, **ERRORS}, summary="One tender (404 E080 outside the jurisdiction)")
def tender(request, code: str):
    _staff(request)
    t = selectors.tender_for_user(request.user, code)
    services.access_record(request=request, kind="tender", record=code, tender_code=code, allowed=t is not None)
    if t is None:
        raise RuleViolation("E080")
    return {**tender_out(t), "lots": [{f: getattr(lot, f) for f in LotOut.model_fields} for lot in t.lots]}


@router.get("/monitor/v1/tenders/{code}/timeline", response={200: list[EventOut], **ERRORS}, summary="Every exchanged event of a tender with its exchange time and witness state")
def timeline(request, code: str):
    _staff(request)
    t = selectors.tender_for_user(request.user, code)
    services.access_record(request=request, kind="timeline", record=code, tender_code=code, allowed=t is not None)
    if t is None:
        raise RuleViolation("E080")
    events = selectors.events_of(t)
    wit = selectors.witnessed_map(events)
    return [
        {**{f: getattr(e, f) for f in EventOut.model_fields if f not in ("witnessed", "witness_cosigned_at")}, "witnessed": wit[e.seq]["witnessed"], "witness_cosigned_at": wit[e.seq]["cosigned_at"]}
        for e in events
    ]


@router.get("/monitor/v1/alerts", response={200: list[AlertOut], **ERRORS}, summary="Alerts in the caller's jurisdiction, newest first")
def alerts(request, status: str | None = None, limit: int = 200):
    _staff(request)
    services.access_record(request=request, kind="alert_list", record=f"status={status or ''}")
    return [alert_out(a) for a in selectors.alerts_for(request.user, status=status)[: max(1, min(limit, 1000))]]


@router.get("/monitor/v1/alerts/{alert_id}", response={200: AlertOut, **ERRORS}, summary="One alert (404 E080 outside the jurisdiction)")
def alert(request, alert_id: int):
    _staff(request)
    a = selectors.alert_for_user(request.user, alert_id)
    services.access_record(request=request, kind="alert", record=str(alert_id), tender_code=a.tender_code if a else "", allowed=a is not None)
    if a is None:
        raise RuleViolation("E080")
    return alert_out(a)


@router.patch("/monitor/v1/alerts/{alert_id}", response={200: AlertOut, **ERRORS}, summary="Assign, change the status of or annotate an alert (resolving needs notes: E084)")
def alert_patch(request, alert_id: int, payload: AlertIn):
    _staff(request)
    a = selectors.alert_for_user(request.user, alert_id)
    if a is None:
        raise RuleViolation("E080")
    a = services.alert_update(actor=Actor.from_request(request), alert=a, status=payload.status, assignee_username=payload.assignee, resolution=payload.resolution)
    return alert_out(a)


@router.get("/monitor/v1/access-log", response={200: list[AccessOut], **ERRORS}, summary="Who viewed which restricted record (department heads: their staff)")
def access_log(request, limit: int = 200):
    if not selectors.is_head(request.user):
        raise RuleViolation("E006", detail_zh="只有部门负责人可以查看访问日志", detail_en="only department heads may read the access log")
    return list(selectors.access_log_for(request.user)[: max(1, min(limit, 1000))])

"""Reads of the monitoring read model; every read of restricted data is limited to the user's jurisdiction.

Used by the other supervision apps (complaints, directives): ``tender_by_code``, ``tenders_in_jurisdiction``,
``in_jurisdiction`` (docs/supervision.md, interfaces.md "Issue 6").
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet

from etender.kernel import clock
from etender.kernel.calendar import TZ
from etender.supervision.duties.models import Department, DepartmentStaff

from .jurisdiction import Scope, scope_for
from .models import AccessLog, Alert, DepartmentHead, FeedCursor, FeedEvent, Jurisdiction, PlatformWitness, TenderView


def department_scope(department: Department) -> Scope:
    extra = Jurisdiction.objects.filter(department=department).first()
    return scope_for(
        region_codes=[department.region_code, *(extra.region_codes if extra else [])],
        fields=department.industries or [],
        extra_industries=extra.industries_types if extra else (),
        extra_tender_types=extra.tender_types if extra else (),
    )


def departments_of(user) -> list[Department]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return list(Department.objects.filter(pk__in=DepartmentStaff.objects.filter(user=user).values("department")).order_by("order", "code"))


def scopes_of(user) -> list[Scope] | None:
    """The scopes of the user's departments; ``None`` means everything (superusers)."""
    if user is not None and getattr(user, "is_authenticated", False) and user.is_active and user.is_superuser:
        return None
    return [department_scope(d) for d in departments_of(user)]


def _q_for(scope: Scope) -> Q:
    region = Q()
    for p in sorted(scope.regions):
        region |= Q(region_code__startswith=p)
    if not scope.regions:
        return Q(pk__in=[])
    if scope.everything:
        return region
    return region & (Q(industry__in=sorted(scope.industries)) | Q(tender_type__in=sorted(scope.tender_types)))


def may_monitor(user) -> bool:
    """Department staff and superusers use the monitoring pages."""
    return scopes_of(user) is None or bool(scopes_of(user))


def tenders_in_jurisdiction(user) -> QuerySet[TenderView]:
    """The tenders ``user`` may see (nothing for a user of no department)."""
    scopes = scopes_of(user)
    qs = TenderView.objects.all()
    if scopes is None:
        return qs
    q = Q(pk__in=[])
    for s in scopes:
        q |= _q_for(s)
    return qs.filter(q)


def in_jurisdiction(user, tender_view: TenderView | None) -> bool:
    if tender_view is None:
        return False
    scopes = scopes_of(user)
    if scopes is None:
        return True
    return any(s.covers(region_code=tender_view.region_code, industry=tender_view.industry, tender_type=tender_view.tender_type) for s in scopes)


def tender_by_code(code: str) -> TenderView | None:
    """The read-model row of a tender project (no jurisdiction check: callers check ``in_jurisdiction``)."""
    return TenderView.objects.prefetch_related("lot_set").filter(code=code).first() if code else None


def tender_for_user(user, code: str) -> TenderView | None:
    """A tender if it exists **and** is in the user's jurisdiction (else None: outside looks like missing, E080)."""
    t = tender_by_code(code)
    return t if in_jurisdiction(user, t) else None


def events_of(tender: TenderView) -> list[FeedEvent]:
    return list(FeedEvent.objects.filter(tender_code=tender.code).order_by("seq"))


def witnessed_map(events: list[FeedEvent]) -> dict[int, dict]:
    """Per event seq: the witness state of its origin platform's log (see docs/supervision.md "Witnessed").

    An event counts as witnessed when the hub's witness holds a cosigned checkpoint of the origin platform's log
    cosigned after the event reached the hub: the platform wrote the log entry in the business transaction that
    queued the record, before delivery, so that checkpoint's tree includes it.
    """
    logs = {w.platform_code: w for w in PlatformWitness.objects.filter(platform_code__in={e.origin_code for e in events})}
    out = {}
    for e in events:
        w = logs.get(e.origin_code)
        ok = bool(w and w.cosigned_at and w.cosigned_at > e.exchanged_at)
        out[e.seq] = {"witnessed": ok, "origin": w.origin if w else "", "cosigned_at": w.cosigned_at if w else None, "size": w.size if w else None}
    return out


def alerts_for(user, *, status: str | None = None) -> QuerySet[Alert]:
    """Alerts on tenders of the user's jurisdiction; platform-wide alerts (witness) go to everyone who monitors."""
    qs = Alert.objects.select_related("assignee", "tender")
    scopes = scopes_of(user)
    if scopes is not None:
        if not scopes:
            return qs.none()
        qs = qs.filter(Q(tender__in=tenders_in_jurisdiction(user)) | Q(tender_code="", tender__isnull=True))
    if status:
        qs = qs.filter(status=status)
    return qs


def alert_for_user(user, alert_id: int) -> Alert | None:
    return alerts_for(user).filter(pk=alert_id).first()


def today_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    now = (now or clock.now()).astimezone(TZ)
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + timedelta(days=1)


def dashboard(user) -> dict:
    """The figures of the dashboard for ``user``'s jurisdiction."""
    tenders = tenders_in_jurisdiction(user)
    by_stage = {row["stage"]: row["n"] for row in tenders.values("stage").annotate(n=Count("id"))}
    start, end = today_bounds()
    openings = list(tenders.filter(bid_open_time__gte=start, bid_open_time__lt=end).order_by("bid_open_time"))
    alerts = alerts_for(user)
    open_alerts = alerts.filter(status__in=[Alert.Status.OPEN, Alert.Status.IN_PROGRESS])
    overdue = open_alerts.filter(rule_code__in=["E081", "E082", "E145", "E148"])
    return {
        "stages": [(value, str(label), by_stage.get(value, 0)) for value, label in TenderView.Stage.choices],
        "tender_count": tenders.count(),
        "openings_today": openings,
        "overdue": list(overdue[:50]),
        "overdue_count": overdue.count(),
        "alerts_by_severity": [(value, str(label), open_alerts.filter(severity=value).count()) for value, label in Alert.Severity.choices],
        "recent_alerts": list(open_alerts[:20]),
        "open_alert_count": open_alerts.count(),
        "cursor": FeedCursor.objects.filter(pk=1).first(),
    }


def is_head(user, department: Department | None = None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    qs = DepartmentHead.objects.filter(user=user)
    return qs.filter(department=department).exists() if department else qs.exists()


def access_log_for(user) -> QuerySet[AccessLog]:
    """Heads see the access log of their departments' staff; superusers everything."""
    if user.is_superuser:
        return AccessLog.objects.all()
    depts = DepartmentHead.objects.filter(user=user).values("department")
    staff = DepartmentStaff.objects.filter(department__in=depts).values("user")
    return AccessLog.objects.filter(user__in=staff)

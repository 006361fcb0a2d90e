"""Reads for tenders; every confidentiality rule on reading lives here."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from etender.kernel.errors import RuleViolation
from etender.trading.accounts.models import Entity

from .models import DocumentDownload, Notification, Objection, Tender, TenderStatus
from .services import can_manage

PUBLIC_STATUSES = [TenderStatus.TENDERING, TenderStatus.OPENING, TenderStatus.OPENED, TenderStatus.FAILED, TenderStatus.CANCELLED]


def tender_list_public(*, q: str = "", status: str = "") -> QuerySet[Tender]:
    qs = Tender.objects.filter(status__in=PUBLIC_STATUSES).select_related("tenderer", "agency", "project").annotate(lot_count=Count("lots"))
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(tenderer__name__icontains=q))
    if status in PUBLIC_STATUSES:
        qs = qs.filter(status=status)
    return qs.order_by("-published_at")


def tender_list_managed(entity: Entity) -> QuerySet[Tender]:
    return Tender.objects.filter(Q(tenderer=entity) | Q(agency=entity)).select_related("project").order_by("-created_at")


def tender_visible(tender: Tender, entity: Entity | None, *, is_staff: bool = False) -> bool:
    return tender.status != TenderStatus.DRAFT or can_manage(tender, entity) or is_staff


def tender_get(*, pk: int, entity: Entity | None, is_staff: bool = False) -> Tender:
    tender = Tender.objects.select_related("tenderer", "agency", "project", "announcement").filter(pk=pk).first()
    if tender is None:
        raise RuleViolation("E005")
    if not tender_visible(tender, entity, is_staff=is_staff):
        raise RuleViolation("E005")
    return tender


def downloaders(*, tender: Tender, viewer: Entity | None) -> QuerySet[DocumentDownload]:
    """Who downloaded the documents: before the deadline only the tenderer and its agency may know (E117)."""
    # Decided by the lifecycle, not the clock: while an objection pauses the tendering the deadline has not passed.
    if not can_manage(tender, viewer) and tender.status in (TenderStatus.DRAFT, TenderStatus.TENDERING):
        raise RuleViolation("E117")
    return DocumentDownload.objects.filter(tender=tender).select_related("entity", "document").order_by("downloaded_at")


def downloader_count(*, tender: Tender, viewer: Entity | None) -> int | None:
    try:
        return downloaders(tender=tender, viewer=viewer).values("entity").distinct().count()
    except RuleViolation:
        return None


def objections_for(*, tender: Tender, viewer: Entity | None) -> QuerySet[Objection]:
    qs = tender.objections.select_related("raised_by")
    if can_manage(tender, viewer):
        return qs
    if viewer is None:
        return qs.none()
    return qs.filter(raised_by=viewer)


def notifications_for(entity: Entity | None) -> QuerySet[Notification]:
    if entity is None:
        return Notification.objects.none()
    return Notification.objects.filter(entity=entity).select_related("tender")


def calendar_warnings(tender: Tender) -> list[RuleViolation]:
    """W010 when the tender's periods run into a year whose official holidays are not loaded (民法典 203)."""
    from etender.kernel.calendar import default_calendar

    dates = [d for d in (tender.doc_get_start, tender.bid_deadline) if d]
    if len(dates) < 2:
        return []
    years = sorted(default_calendar().provisional_years(dates[0], dates[1]))
    if not years:
        return []
    listed = "、".join(str(y) for y in years)
    return [RuleViolation("W010", detail_zh=f"{listed}年", detail_en=", ".join(str(y) for y in years), params={"years": years})]


def paused(tender: Tender) -> bool:
    return tender.objections.filter(status=Objection.Status.PENDING).exists()

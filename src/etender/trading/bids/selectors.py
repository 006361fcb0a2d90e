from __future__ import annotations

from django.db.models import QuerySet

from etender.kernel.errors import RuleViolation
from etender.trading.accounts.models import Entity
from etender.trading.tenders.models import Lot
from etender.trading.tenders.services import can_manage

from .models import Bid, BidStatus, OpeningRecord


def bid_of(*, lot: Lot, entity: Entity | None) -> Bid | None:
    if entity is None:
        return None
    return Bid.objects.filter(lot=lot, bidder=entity).first()


def bids_of_entity(entity: Entity) -> QuerySet[Bid]:
    return Bid.objects.filter(bidder=entity).select_related("lot__tender").order_by("-id")


def lot_bid_count(lot: Lot) -> int:
    return Bid.objects.filter(lot=lot, submitted_at__isnull=False).exclude(status__in=[BidStatus.WITHDRAWN, BidStatus.INCOMPLETE]).count()


def opening_bids(*, lot: Lot, viewer: Entity | None, is_staff: bool = False) -> QuerySet[Bid]:
    """Bids at the opening: visible to the bidders of the lot, the tenderer and agency, and staff, once opening started."""
    if lot.opening_started_at is None:
        raise RuleViolation("E122")
    allowed = is_staff or can_manage(lot.tender, viewer) or (viewer is not None and Bid.objects.filter(lot=lot, bidder=viewer).exists())
    if not allowed:
        raise RuleViolation("E006", detail_zh="仅本标段投标人和招标人可参加开标", detail_en="only the lot's bidders and the tenderer attend the opening")
    return Bid.objects.filter(lot=lot, submitted_at__isnull=False).exclude(status__in=[BidStatus.WITHDRAWN, BidStatus.INCOMPLETE]).select_related("bidder").order_by("submitted_at", "id")


def opening_record_of(lot: Lot) -> OpeningRecord | None:
    return OpeningRecord.objects.filter(lot=lot).first()

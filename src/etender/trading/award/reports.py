"""What the award stage reads of the evaluation (trading.evaluation, interfaces.md "Issue 5").

``report_for_lot`` adapts EVAL's selector ``etender.trading.evaluation.selectors.report_for_lot`` to
the few things the award needs; nothing here writes.  Services also accept a :class:`ReportView`
directly (the same shape), which is how a report reaches them in the tests of this app.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable


@dataclass(frozen=True)
class CandidateView:
    rank: int
    bid: Any  # trading.bids.Bid
    price: Decimal
    score: str
    summary: str


@dataclass(frozen=True)
class ReportView:
    ref: str
    received_at: datetime
    candidates: tuple[CandidateView, ...]
    failed: bool = False
    expert_names: tuple[tuple[str, bool], ...] = ()  # (name, is chair), public only after the award
    pdf: Callable[[], bytes] | None = None
    source: Any = field(default=None, compare=False)  # EVAL's report object, for reveal_draw


def _evaluation():
    try:
        from etender.trading.evaluation import selectors
    except ImportError:
        return None
    return selectors if hasattr(selectors, "report_for_lot") else None


def available() -> bool:
    return _evaluation() is not None


def report_for_lot(lot) -> ReportView | None:
    sel = _evaluation()
    if sel is None:
        return None
    report = sel.report_for_lot(lot)
    if report is None:
        return None
    cands = []
    for c in list(report.candidates.all() if hasattr(report.candidates, "all") else report.candidates):
        bid = c.bid
        price = getattr(c, "price", None)
        cands.append(CandidateView(rank=int(c.rank), bid=bid, price=Decimal(str(price if price is not None else bid.price)), score=str(getattr(c, "score", "") or ""), summary=str(getattr(c, "summary", "") or "")))
    cands.sort(key=lambda c: c.rank)
    pdf = None
    if hasattr(report, "pdf_bytes"):
        pdf = report.pdf_bytes
    elif hasattr(sel, "report_pdf"):
        pdf = lambda: sel.report_pdf(report)  # noqa: E731
    return ReportView(ref=str(report.pk), received_at=report.submitted_at, candidates=tuple(cands), failed=bool(getattr(report, "failed", False)), expert_names=tuple(_experts(report)), pdf=pdf, source=report)


def _experts(report) -> list[tuple[str, bool]]:
    committee = getattr(report, "committee", None)
    seats = getattr(committee, "seats", None) if committee is not None else None
    if seats is None:
        return []
    out = []
    if hasattr(seats, "exclude"):
        seats = seats.exclude(status__in=["replaced", "declined"]).order_by("position", "id")
    for seat in seats:
        name = getattr(seat, "name", "") or ""
        if name:
            out.append((str(name), bool(getattr(seat, "is_chair", False) or getattr(seat, "chair", False))))
    return out


def reveal_draw(report: ReportView) -> bool:
    """Ask the hub to reveal the draw seed once the result is published (EVAL's client), if EVAL offers it."""
    try:
        from etender.trading.evaluation import hub_client
    except ImportError:
        return False
    fn = getattr(hub_client, "reveal_draw", None)
    committee = getattr(report.source, "committee", None) if report.source is not None else None
    if fn is None or committee is None:
        return False
    fn(committee)
    return True

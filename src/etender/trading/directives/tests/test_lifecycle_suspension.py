"""Properties of suspension in the pure lifecycle (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from etender.trading.tenders import lifecycle

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
minutes = st.integers(min_value=0, max_value=60 * 24 * 60)
statuses = st.sampled_from([lifecycle.TENDERING, lifecycle.OPENING, lifecycle.OPENED, lifecycle.FAILED, lifecycle.DRAFT])


@st.composite
def snaps(draw):
    status = draw(statuses)
    lots = tuple(
        lifecycle.LotSnap(id=i, status=draw(statuses), committed_bids=draw(st.integers(0, 5)), undecided_bids=draw(st.integers(0, 5)), opening_ends_at=T0 + timedelta(minutes=draw(minutes)))
        for i in range(1, draw(st.integers(1, 4)) + 1)
    )
    return lifecycle.TenderSnap(status=status, bid_deadline=T0 + timedelta(minutes=draw(minutes)), paused=draw(st.booleans()), lots=lots)


@given(snaps(), minutes)
def test_a_suspended_tender_has_no_due_event_ever(snap, later):
    suspended = lifecycle.TenderSnap(**{**snap.__dict__, "suspended": True})
    assert lifecycle.due_events(suspended, T0 + timedelta(minutes=later)) == []
    assert lifecycle.next_check(suspended) is None


@given(minutes, minutes, minutes)
def test_resumption_gives_back_exactly_the_time_left(end, at, pause):
    end_at, suspended_at = T0 + timedelta(minutes=end), T0 + timedelta(minutes=at)
    resumed_at = suspended_at + timedelta(minutes=pause)
    new = lifecycle.give_back(end_at, suspended_at=suspended_at, resumed_at=resumed_at)
    if end_at <= suspended_at:
        assert new == end_at  # a period already over stays over
    else:
        assert new - resumed_at == end_at - suspended_at and new >= end_at


@given(snaps())
def test_termination_cancels_every_undecided_lot_and_keeps_failed_ones(snap):
    done = lifecycle.terminate(snap)
    assert done.status == lifecycle.CANCELLED and not done.suspended
    for before, after in zip(snap.lots, done.lots, strict=True):
        assert after.status == (lifecycle.FAILED if before.status == lifecycle.FAILED else lifecycle.CANCELLED)
    assert lifecycle.pending_events(done) == []

"""Hypothesis state-machine tests of the tender lifecycle.

1. The pure machine (:mod:`etender.trading.tenders.lifecycle`) against a model.
2. The real services and chronograph on the database, driven by random
   sequences of bids, withdrawals, objections, clarifications and clock moves;
   invariants are checked after every step.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from etender.trading.tenders import lifecycle as lc

T0 = datetime(2026, 3, 27, 1, 30, tzinfo=UTC)


class PureLifecycle(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.now = T0 - timedelta(days=3)
        self.snap = lc.TenderSnap(status=lc.TENDERING, bid_deadline=T0, paused=False, lots=(lc.LotSnap(1, lc.TENDERING), lc.LotSnap(2, lc.TENDERING)))
        self.window = timedelta(minutes=60)

    def apply_due(self):
        for _ in range(10):
            due = lc.due_events(self.snap, self.now)
            if not due:
                return
            self.snap = lc.apply(self.snap, min(due, key=lambda e: e.at), decrypt_window=self.window)

    @precondition(lambda self: self.snap.status == lc.TENDERING and self.now < T0)
    @rule(lot=st.sampled_from([1, 2]))
    def bid(self, lot):
        self.snap = lc.TenderSnap(
            status=self.snap.status,
            bid_deadline=self.snap.bid_deadline,
            paused=self.snap.paused,
            lots=tuple(lc.LotSnap(x.id, x.status, x.committed_bids + (x.id == lot)) for x in self.snap.lots),
            min_bids=self.snap.min_bids,
        )

    @rule(pause=st.booleans())
    def toggle_pause(self, pause):
        self.snap = lc.TenderSnap(self.snap.status, self.snap.bid_deadline, pause, self.snap.lots, self.snap.min_bids)

    @rule(minutes=st.integers(min_value=0, max_value=3 * 24 * 60))
    def tick(self, minutes):
        self.now += timedelta(minutes=minutes)
        before = self.snap
        self.apply_due()
        again = self.snap
        self.apply_due()
        assert self.snap == again  # idempotent
        if before.paused and before.status == lc.TENDERING:
            assert self.snap == before  # a paused tender does not close (E106)

    @invariant()
    def lots_with_too_few_bids_never_open(self):
        for lot in self.snap.lots:
            if lot.status in (lc.OPENING, lc.OPENED):
                assert lot.committed_bids >= self.snap.min_bids

    @invariant()
    def nothing_opens_before_the_deadline(self):
        if self.now < T0:
            assert self.snap.status == lc.TENDERING

    @invariant()
    def status_agrees_with_lots(self):
        if self.snap.status != lc.TENDERING:
            assert self.snap.status == lc.overall(self.snap.lots, fallback=lc.OPENING)

    @invariant()
    def next_check_covers_every_pending_event(self):
        nxt = lc.next_check(self.snap)
        pending = lc.pending_events(self.snap)
        assert (nxt is None) == (not pending)
        if pending:
            assert nxt == min(e.at for e in pending)


TestPureLifecycle = PureLifecycle.TestCase
TestPureLifecycle.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)


@pytest.mark.django_db
class TestServiceLifecycle:
    """The same properties on the real services and database."""

    def test_random_sequences(self, tenderer, bidders, frozen_clock):
        from etender.trading import testing

        class Machine(RuleBasedStateMachine):
            @initialize()
            def setup(self):
                self.tender = testing.published_tender(tenderer, lots=2)
                self.lots = list(self.tender.lots.order_by("number"))
                self.deks = {}
                self.start = frozen_clock.now()

            def _tender(self):
                self.tender.refresh_from_db()
                return self.tender

            @rule(i=st.integers(0, 3), lot=st.integers(0, 1))
            def submit(self, i, lot):
                from etender.kernel.errors import RuleViolation
                from etender.trading.bids import services

                party = bidders[i]
                data, dek = testing.seal_bid(party, self.lots[lot])
                try:
                    services.bid_submit(actor=party.actor, entity=party.entity, lot=self.lots[lot], file=testing.upload(data))
                    self.deks[(i, lot)] = dek
                except RuleViolation as exc:
                    assert exc.code in ("E121", "E007")
                    assert frozen_clock.now() >= self._tender().bid_deadline

            @rule(i=st.integers(0, 3), lot=st.integers(0, 1))
            def withdraw(self, i, lot):
                from etender.kernel.errors import RuleViolation
                from etender.trading.bids import services

                bid = bidders[i].entity.bids.filter(lot=self.lots[lot]).first()
                if bid is None:
                    return
                try:
                    services.bid_withdraw(actor=bidders[i].actor, entity=bidders[i].entity, bid=bid)
                except RuleViolation as exc:
                    assert exc.code in ("E007", "E123")

            @rule(hours=st.integers(0, 24 * 30))
            def advance(self, hours):
                from etender.trading import chronograph

                frozen_clock.advance(hours=hours)
                chronograph.tick()
                assert chronograph.tick() == 0  # idempotent

            @rule(i=st.integers(0, 3), lot=st.integers(0, 1), good=st.booleans())
            def decrypt(self, i, lot, good):
                from etender.kernel.errors import RuleViolation
                from etender.trading.bids import services

                bid = bidders[i].entity.bids.filter(lot=self.lots[lot]).first()
                if bid is None or (i, lot) not in self.deks:
                    return
                dek = self.deks[(i, lot)] if good else b"\x00" * 32
                try:
                    services.bid_decrypt(actor=bidders[i].actor, entity=bidders[i].entity, bid=bid, dek=base64.b64encode(dek).decode())
                except RuleViolation as exc:
                    assert exc.code in ("E122", "E007", "E127")
                    if exc.code == "E122":
                        assert frozen_clock.now() < self._tender().bid_deadline

            @invariant()
            def invariants(self):
                from etender.trading.bids.models import BidStatus
                from etender.trading.tenders.models import LotStatus

                tender = self._tender()
                for lot in tender.lots.all():
                    committed = lot.bids.exclude(submitted_at=None).exclude(status__in=[BidStatus.WITHDRAWN, BidStatus.INCOMPLETE]).count()
                    if lot.status in (LotStatus.OPENING, LotStatus.OPENED):
                        assert committed >= 3
                        assert lot.opening_started_at == tender.bid_deadline
                    if frozen_clock.now() < tender.bid_deadline:
                        assert lot.status == LotStatus.TENDERING
                        assert not lot.bids.filter(status=BidStatus.OPENED).exists()
                    if lot.status == LotStatus.OPENED:
                        assert hasattr(lot, "opening_record")

            def teardown(self):
                frozen_clock.set(self.start)

        Machine.TestCase.settings = settings(max_examples=8, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck))
        from hypothesis.stateful import run_state_machine_as_test

        run_state_machine_as_test(Machine, settings=Machine.TestCase.settings)

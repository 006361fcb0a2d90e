"""Property tests of the publicity state machine (pure, no database): 条例 54."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from etender.trading.award import lifecycle

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
PERIOD = timedelta(days=3, hours=14)


class PublicityMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.now = START
        self.snap = lifecycle.PublicitySnap(status=lifecycle.RUNNING, start_at=START, end_at=START + PERIOD)
        self.paused_total = timedelta(0)
        self.paused_from: datetime | None = None

    @rule(hours=st.integers(min_value=0, max_value=60))
    def time_passes(self, hours):
        self.now += timedelta(hours=hours)

    @rule()
    def tick(self):
        before = self.snap
        for e in lifecycle.due_events(self.snap, self.now):
            self.snap = lifecycle.apply(self.snap, e)
        if before.status == lifecycle.RUNNING and self.snap.status == lifecycle.ENDED:
            # Never ends early: the whole promised period ran, not counting the pauses.
            assert self.now - START - self.paused_total >= PERIOD
        again = self.snap
        for e in lifecycle.due_events(self.snap, self.now):
            again = lifecycle.apply(again, e)
        assert again == self.snap  # idempotent

    @rule()
    def objection(self):
        try:
            new = lifecycle.raise_objection(self.snap, self.now)
        except lifecycle.Refused as exc:
            assert exc.code == "E077" and not lifecycle.in_publicity(self.snap, self.now)
            return
        if not self.snap.paused:
            self.paused_from = self.now
        self.snap = new

    @precondition(lambda self: self.snap.pending > 0)
    @rule()
    def answer(self):
        self.snap = lifecycle.answer_objection(self.snap, self.now)
        if not self.snap.paused:
            self.paused_total += self.now - self.paused_from
            self.paused_from = None

    @invariant()
    def no_end_while_paused(self):
        if self.snap.paused:
            assert lifecycle.due_events(self.snap, self.now) == [] and lifecycle.next_check(self.snap) is None
            assert lifecycle.may_award(self.snap) == "E075"

    @invariant()
    def award_only_after_the_end(self):
        assert (lifecycle.may_award(self.snap) is None) == (self.snap.status == lifecycle.ENDED and not self.snap.paused)

    @invariant()
    def end_moves_by_the_pauses(self):
        assert self.snap.end_at == START + PERIOD + self.paused_total


PublicityMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)
TestPublicityMachine = PublicityMachine.TestCase

"""Property: no committee the platform accepts violates the composition rules (E129), whatever is asked."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etender.kernel import clock
from etender.kernel.errors import RuleViolation, RuleViolations
from etender.trading.evaluation import services
from etender.trading.evaluation import testing as ev
from etender.trading.evaluation.models import Committee, Seat


def lawful(experts: int, reps: int) -> bool:
    total = experts + reps
    return total >= 5 and total % 2 == 1 and 3 * experts >= 2 * total


@given(experts=st.integers(0, 40), reps=st.integers(0, 20))
def test_pure_rule_matches_the_law(experts, reps):
    assert (services.composition_violations(experts=experts, representatives=reps) == []) == lawful(experts, reps)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(counts=st.lists(st.integers(0, 6), min_size=1, max_size=3), reps=st.integers(0, 4))
def test_no_accepted_committee_breaks_the_composition_rules(tenderer, lot, counts, reps):
    from django.contrib.auth import get_user_model

    staff = [u for u in get_user_model().objects.filter(membership__entity=tenderer.entity).order_by("pk") if u.username.startswith("prop-rep")]
    while len(staff) < reps:
        staff.append(ev.representative(tenderer, f"prop-rep{len(staff)}", "代表"))
    Committee.objects.filter(lot=lot).delete()
    specs = [{"code": f"A0{i + 1}", "count": c} for i, c in enumerate(counts)]
    try:
        committee = services.committee_create(actor=tenderer.actor, entity=tenderer.entity, lot=lot, specialties=specs, representatives=[u.username for u in staff[:reps]], evaluation_start=clock.now(), evaluation_place="在线", duration_hours=4, method="lowest_price")
    except (RuleViolation, RuleViolations):
        assert not Committee.objects.filter(lot=lot).exists()
        return
    experts = committee.expert_count
    representatives = committee.seats.filter(kind=Seat.Kind.REPRESENTATIVE).count()
    assert lawful(experts, representatives), (specs, reps)
    assert representatives == reps and all(c > 0 for c in counts)

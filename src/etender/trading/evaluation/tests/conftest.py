from __future__ import annotations

import pytest

from etender.trading import testing
from etender.trading.evaluation import testing as ev


@pytest.fixture
def tenderer(db, frozen_clock):
    return testing.make_party("杭州市西湖区城市建设发展中心", ["tenderer"])


@pytest.fixture
def bidders(db, frozen_clock):
    return [testing.make_party(n, ["bidder"], with_key=True) for n in ev.BIDDER_NAMES]


@pytest.fixture
def lot(tenderer, bidders, frozen_clock):
    return ev.opened_lot(tenderer, bidders, frozen_clock)


@pytest.fixture
def members(tenderer):
    """Four local expert accounts and one tenderer representative: 5 members, 4/5 experts."""
    return ev.expert_users(4), [ev.representative(tenderer)]

from __future__ import annotations

import pytest

from etender.trading import testing


@pytest.fixture
def tenderer(db, frozen_clock):
    return testing.make_party("杭州市西湖区城市建设发展中心", ["tenderer"])


@pytest.fixture
def bidders(db, frozen_clock):
    names = ["浙江之江建设集团有限公司", "杭州钱塘市政工程有限公司", "浙江西子路桥建设有限公司", "宁波甬城建设有限公司"]
    return [testing.make_party(n, ["bidder"], with_key=True) for n in names]


@pytest.fixture
def tender(tenderer):
    return testing.published_tender(tenderer)

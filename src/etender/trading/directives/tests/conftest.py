from __future__ import annotations

import pytest
from django.db import connection

from etender.trading import testing
from etender.trading.outbox import services as outbox

from .ecosystem import Ecosystem


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


@pytest.fixture
def eco(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the hub and the supervision platform need their own PostgreSQL databases")
    e = Ecosystem(tmp_path, settings)
    yield e
    e.close()


@pytest.fixture
def parties(eco):
    tenderer = testing.make_party("杭州市西湖区城市建设发展中心", ["tenderer"])
    bidders = [testing.make_party(n, ["bidder"], with_key=True) for n in ("浙江之江建设集团有限公司", "杭州钱塘市政工程有限公司")]
    tender = testing.published_tender(tenderer)
    assert outbox.deliver() > 0  # the hub now holds the 501 record: it knows where the tender comes from
    return tender, bidders



from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth import get_user_model

from etender.kernel import clock as clock_module
from etender.kernel.audit.actors import Actor
from etender.kernel.calendar import TZ
from etender.kernel.exchange import record_key
from etender.kernel.exchange.examples import EXAMPLES
from etender.supervision.duties.models import Department
from etender.supervision.duties.seed_data import DEPARTMENTS
from etender.supervision.duties.services import department_staff_add, duties_seed

from ..services import EvidenceFile

PASSWORD = "Test-pass-2026"
TENDER = EXAMPLES["501"]["TENDER_PROJECT_CODE"]
LOT = EXAMPLES["502"]["BID_SECTION_CODE"]


def actor_for(user, ip: str = "10.0.0.9") -> Actor:
    return Actor(user_id=user.pk, username=user.get_username(), ip=ip)


def beijing(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def feed_items(start: int = 1, **changes) -> list[dict]:
    """The example tender (500, 501, 502) as hub feed entries, as monitoring reads them."""
    out = []
    for i, ds in enumerate(("500", "501", "502")):
        rec = {**EXAMPLES[ds], **changes.get(ds, {})}
        out.append({"seq": start + i, "dataset": ds, "key": record_key(ds, rec), "op": "upsert", "version": 1, "platform": "91330100MA2AAAAA0B", "platform_name": "之江", "origin": "91330100MA2AAAAA0B", "origin_name": "之江", "region": rec.get("REGION_CODE", "330106"), "exchanged_at": "2026-01-05T09:00:00+08:00", "record": rec})
    return out


@pytest.fixture
def clock():
    c = clock_module.FrozenClock(beijing(2026, 9, 24))
    previous = clock_module.install(c)
    yield c
    clock_module.install(previous)


@pytest.fixture
def departments(db):
    duties_seed(actor=Actor.system("test"), departments=DEPARTMENTS)
    return {d.code: d for d in Department.objects.all()}


@pytest.fixture
def tender(departments):
    from etender.supervision.monitor.services import feed_apply

    feed_apply(after=0, items=feed_items(), next_position=3)
    return TENDER


@pytest.fixture
def regulator(departments):
    user = get_user_model().objects.create_user("jst-li", password=PASSWORD, first_name="李监督")
    department_staff_add(actor=Actor.system("test"), department=departments["zj-jst"], user=user)
    return user


@pytest.fixture
def other_regulator(departments):
    user = get_user_model().objects.create_user("fgw-zhao", password=PASSWORD, first_name="赵发改")
    department_staff_add(actor=Actor.system("test"), department=departments["zj-fgw"], user=user)
    return user


@pytest.fixture
def bidder(db):
    return get_user_model().objects.create_user("yuhang", password=PASSWORD, first_name="余航法务")


def lodge_kwargs(**over):
    from datetime import date

    kw = dict(
        tender_code=TENDER,
        matter="other",
        request_text="请求责令招标人改正",
        grounds="招标投标法实施条例第三十二条",
        facts="招标人以特定行业业绩作为加分条件。",
        known_on=date(2026, 9, 22),
        complainant_name="杭州余航市政工程有限公司",
        complainant_code="91330110MA2B0C1D2E",
        complainant_phone="13800138002",
        complainant_email="legal@yuhang.example",
        evidence=[EvidenceFile(name="招标文件截图.pdf", content=b"%PDF-1.4 evidence")],
    )
    kw.update(over)
    return kw

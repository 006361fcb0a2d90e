from __future__ import annotations

import pytest
from django.db import connection
from django.contrib.auth import get_user_model

from etender.kernel.audit.actors import Actor
from etender.supervision.duties.models import Department
from etender.supervision.duties.seed_data import DEPARTMENTS
from etender.supervision.duties.services import department_create, department_staff_add, duties_seed

from ..services import head_add
from .live import TradingPlatform, Worker, start_hub

PASSWORD = "Test-pass-2026"
SYSTEM = Actor.system("test")


@pytest.fixture
def departments(db):
    duties_seed(actor=SYSTEM, departments=DEPARTMENTS)
    department_create(actor=SYSTEM, code="nb-jsj", name="宁波市住房和城乡建设局", region_code="330200", industries=["housing"])
    department_create(actor=SYSTEM, code="hz-jtj", name="杭州市交通运输局", region_code="330100", industries=["transport"])
    return {d.code: d for d in Department.objects.all()}


def make_staff(username: str, department, *, head: bool = False):
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=username)
    department_staff_add(actor=SYSTEM, department=department, user=user)
    if head:
        head_add(actor=SYSTEM, department=department, user=user)
    return user


@pytest.fixture
def users(departments):
    return {
        "jst": make_staff("jst", departments["zj-jst"], head=True),  # province, buildings and municipal works
        "nb": make_staff("nb", departments["nb-jsj"]),  # Ningbo housing: other city
        "hzjt": make_staff("hzjt", departments["hz-jtj"]),  # Hangzhou transport
        "fgw": make_staff("fgw", departments["zj-fgw"]),  # coordination: everything in Zhejiang
        "citizen": get_user_model().objects.create_user("citizen", password=PASSWORD),
    }


@pytest.fixture
def ecosystem(tmp_path):
    """A real hub process with this supervision platform registered (330000), a signing trading platform, the worker (not started)."""
    if connection.vendor != "postgresql":
        pytest.skip("the hub needs its own PostgreSQL database")
    hub = start_hub(tmp_path)
    worker = Worker(hub)
    try:
        yield hub, TradingPlatform(hub), worker
    finally:
        worker.kill()
        hub.close()

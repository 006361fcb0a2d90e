from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from etender.kernel.audit.actors import Actor

from ..models import Department
from ..seed_data import DEPARTMENTS
from ..services import department_create, department_staff_add, duties_seed

PASSWORD = "Test-pass-2026"


def actor_for(user, ip: str = "10.0.0.8") -> Actor:
    return Actor(user_id=user.pk, username=user.get_username(), ip=ip)


@pytest.fixture
def departments(db):
    duties_seed(actor=Actor.system("test"), departments=DEPARTMENTS)
    return {d.code: d for d in Department.objects.all()}


@pytest.fixture
def fgw(departments):
    return departments["zj-fgw"]


@pytest.fixture
def hidden_department(db):
    return department_create(actor=Actor.system("test"), code="zj-hidden", name="未公开的监督部门", region_code="330000", published=False)


@pytest.fixture
def staff(fgw):
    user = get_user_model().objects.create_user("fgw", password=PASSWORD, first_name="王工")
    department_staff_add(actor=Actor.system("test"), department=fgw, user=user)
    return user


@pytest.fixture
def outsider(db):
    return get_user_model().objects.create_user("citizen", password=PASSWORD)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)

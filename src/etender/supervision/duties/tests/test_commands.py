from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from ..models import Department, DepartmentStaff

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_seed_duties_is_idempotent():
    assert "sections written: 35" in run("seed_duties")
    assert "departments created: none; sections written: 0" in run("seed_duties")
    assert Department.objects.filter(published=True).count() == 5


def test_seed_demo_creates_the_demo_accounts():
    run("seed_demo")
    run("seed_demo")
    users = get_user_model().objects
    assert users.get(username="admin").is_superuser
    assert set(DepartmentStaff.objects.values_list("user__username", "department__code")) == {("fgw", "zj-fgw"), ("zjt", "zj-jst")}

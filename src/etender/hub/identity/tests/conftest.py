from __future__ import annotations

import pytest

from etender.hub.identity import services
from etender.kernel.audit.actors import Actor
from etender.kernel.codes import make_uscc

PASSWORD = "Tq-2026-secure!"
ACTOR = Actor(user_id=None, username="anonymous", ip="203.0.113.7")


def registration(serial: int = 1, **over) -> dict:
    data = {
        "credit_code": make_uscc(f"91330106MA2{serial:06d}"),
        "name": f"浙江测试建设有限公司{serial}",
        "roles": ["bidder"],
        "legal_representative": "王建国",
        "region_code": "330106",
        "contact_name": "李四",
        "contact_phone": "0571-87654321",
        "username": f"user{serial}",
        "password": PASSWORD,
        "full_name": "张三",
        "address": "杭州市西湖区文三路1号",
        "email": f"office{serial}@example.cn",
        "user_email": f"zhang{serial}@example.cn",
    }
    data.update(over)
    return data


def admin_actor(user, entity) -> Actor:
    return Actor(user_id=user.pk, username=user.username, ip="203.0.113.7", entity_code=entity.credit_code)


@pytest.fixture
def registered(db):
    """(entity, its first user)."""
    return services.entity_register(actor=ACTOR, **registration())

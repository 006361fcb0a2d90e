"""Synthetic experts, platforms and signed requests for the expert pool's tests (invented people, birth date 1900-01-01)."""

from __future__ import annotations

import itertools
import json
from datetime import date, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from etender.hub.exchange.models import Platform
from etender.hub.experts import services
from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.codes import make_uscc
from etender.kernel.platform_requests import signed_headers
from etender.kernel.signing import Signer

ADMIN = Actor(user_id=None, username="test:pool-admin")
_serial = itertools.count(1)

EMPLOYERS = [make_uscc(f"91330100MA2EX{n:04d}") for n in range(1, 9)]


def id_card(n: int, region: str = "330106") -> str:
    first = f"{region}19000101{n % 1000:03d}"
    return first + services.id_check_char(first)


def expert_data(n: int | None = None, **overrides: Any) -> dict[str, Any]:
    n = next(_serial) if n is None else n
    data = {
        "id_card": id_card(n, region=f"3301{(n // 1000) % 100:02d}"),
        "name": f"测试专家{n}",
        "sex": "1" if n % 2 else "2",
        "birthday": date(1900, 1, 1),
        "education": "大学本科",
        "professional": "高级工程师",
        "title_level": "senior",
        "company": f"示例工程咨询有限公司{n % 8}",
        "company_code": EMPLOYERS[n % 8],
        "industry": "E48",
        "area": "330106000",
        "work_year": 12,
        "phone": f"1380013{n:04d}",
        "enter_date": date(2024, 1, 1),
    }
    data.update(overrides)
    return data


def make_expert(specs=(("A0101", True),), n: int | None = None, **overrides: Any):
    return services.expert_create(actor=ADMIN, data=expert_data(n, **overrides), specialty_codes=list(specs))


def make_platform(code: str = "91330106MA2H3K7Q1F") -> tuple[Platform, Signer]:
    signer = Signer(Ed25519PrivateKey.generate())
    platform = Platform.objects.create(code=code, name="测试交易平台", kind=Platform.Kind.TRADING, status=Platform.Status.ACTIVE, public_key=signer.public_info()["public_key"], registered_at=clock.now())
    return platform, signer


def draw_payload(**overrides: Any) -> dict[str, Any]:
    body = {
        "tender_code": "E3301062025000037001",
        "lot_code": "E3301062025000037001001",
        "tender_name": "西湖区紫金港路综合提升改造工程",
        "lot_name": "第一标段",
        "region_code": "330106",
        "evaluation_start": (clock.now() + timedelta(days=3)).isoformat(),
        "evaluation_place": "杭州市评标中心301室",
        "duration_hours": 8,
        "specialties": [{"code": "A01", "count": 5}],
        "avoid": {"entity_codes": [], "entity_names": [], "supervise_dept_code": "", "supervise_dept_name": ""},
    }
    body.update(overrides)
    return body


class SignedClient:
    """A Django test client that signs like a trading platform (kernel.platform_requests)."""

    def __init__(self, client, platform: Platform, signer: Signer, *, with_digest: bool = True):
        self.client, self.platform, self.signer, self.with_digest = client, platform, signer, with_digest

    def _headers(self, method: str, path: str, body: bytes | None) -> dict[str, str]:
        h = signed_headers(signer=self.signer, code=self.platform.code, method=method, path=path, body=body if self.with_digest else None, now=clock.now())
        return {"HTTP_" + k.upper().replace("-", "_"): v for k, v in h.items()}

    def post(self, path: str, body: dict[str, Any]):
        raw = json.dumps(body, ensure_ascii=False).encode()
        return self.client.post(path, raw, content_type="application/json", **self._headers("POST", path, raw))

    def get(self, path: str):
        return self.client.get(path, **self._headers("GET", path, None))


def aware(*args) -> datetime:
    from datetime import UTC

    return datetime(*args, tzinfo=UTC)

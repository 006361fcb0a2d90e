"""Builders for tests and the demo: real entities, real keys, real sealed envelopes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from etender.kernel import clock, envelope
from etender.kernel.audit.actors import Actor
from etender.kernel.calendar import TZ, default_calendar
from etender.kernel.codes import make_uscc
from etender.trading.accounts import services as account_services
from etender.trading.accounts.models import Entity
from etender.trading.tenders import services as tender_services
from etender.trading.tenders.models import Tender

PASSWORD = "Etender-Test-2026"


@dataclass
class Party:
    entity: Entity
    actor: Actor
    keys: envelope.BidderKeys | None = None

    @property
    def user(self):
        return self.entity.members.first().user


_serial = [0]


def new_code(prefix: str = "91330106MA2") -> str:
    _serial[0] += 1
    body = f"{_serial[0]:06d}"
    return make_uscc(f"{prefix}{body}")


def make_party(name: str, roles: list[str], *, with_key: bool = False, region: str = "330106", code: str | None = None, legal_rep_id: str = "", controller_code: str = "", username: str | None = None, suite: str = "intl") -> Party:
    code = code or new_code()
    username = username or f"u{code[-8:].lower()}"
    entity = account_services.entity_register(
        actor=Actor.system("test"),
        credit_code=code,
        name=name,
        roles=roles,
        legal_representative=f"{name}法人",
        legal_rep_id_number=legal_rep_id or code,
        controller_code=controller_code,
        region_code=region,
        contact_name="联系人",
        contact_phone="0571-88888888",
        address=f"杭州市{name}路1号",
        email=f"{username}@example.cn",
        username=username,
        password=PASSWORD,
    )
    user = get_user_model().objects.get(username=username)
    party = Party(entity=entity, actor=Actor(user_id=user.pk, username=username, ip="127.0.0.1", entity_code=code))
    if with_key:
        party.keys = envelope.generate_bidder_keys(suite)
        account_services.bidder_key_register(actor=party.actor, entity=entity, key_json=envelope.keys_to_json(party.keys, include_private=False))
    return party


PROJECT_DATA = {
    "name": "杭州市西湖区文三路综合改造工程",
    "region_code": "330106",
    "industry": "E48",
    "address": "杭州市西湖区文三路",
    "legal_person": "杭州市西湖区城市建设发展中心",
    "fund_source": "财政资金",
    "project_scale": "道路改造约3.2公里",
    "contact_name": "王工",
    "contact_info": "0571-87000000",
    "approval_name": "关于文三路综合改造工程可行性研究报告的批复",
    "approval_number": "西发改〔2026〕12号",
    "approval_authority": "杭州市西湖区发展和改革局",
}


def lot_data(n: int = 1, **overrides: Any) -> dict[str, Any]:
    return {
        "name": f"第{n}标段 施工",
        "content": "道路、排水及附属工程施工",
        "classification": "A08",
        "estimated_price": Decimal("12000000.00"),
        "qualification": "具备市政公用工程施工总承包二级及以上资质",
        "bid_security": Decimal("200000.00"),
        "max_price": Decimal("11800000.00"),
        "duration_days": 365,
        **overrides,
    }


def local_at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def tender_data(now: datetime, **overrides: Any) -> dict[str, Any]:
    """Lawful periods from ``now``, whatever holidays fall in them."""
    cal = default_calendar()
    return {
        "name": "文三路综合改造工程施工招标",
        "content": "本次招标范围为文三路综合改造工程施工，分两个标段。",
        "supervise_dept_name": "杭州市西湖区住房和城乡建设局",
        "approve_dept_name": "杭州市西湖区发展和改革局",
        "report_duty": "王工",
        "doc_get_start": now,
        "doc_get_end": local_at(cal.period_last_day(now, 7), 17),
        "bid_deadline": local_at(cal.period_last_day(now, 25), 9, 30),
        "bid_validity_days": 90,
        "announcement_content": "文三路综合改造工程施工招标公告。投标人须具备市政公用工程施工总承包二级及以上资质。",
        **overrides,
    }


def published_tender(tenderer: Party, *, lots: int = 2, data: dict[str, Any] | None = None, lot_overrides: dict[str, Any] | None = None, publish: bool = True) -> Tender:
    now = clock.now()
    project = tender_services.project_create(actor=tenderer.actor, owner=tenderer.entity, data=PROJECT_DATA)
    tender = tender_services.tender_create(
        actor=tenderer.actor,
        project=project,
        acting_entity=tenderer.entity,
        data=tender_data(now, **(data or {})),
        lots=[lot_data(i, **(lot_overrides or {})) for i in range(1, lots + 1)],
    )
    tender_services.document_upload(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender, name="招标文件.txt", file=SimpleUploadedFile("招标文件.txt", "第一章 招标公告\n第二章 投标人须知\n".encode()))
    if publish:
        tender = tender_services.tender_publish(actor=tenderer.actor, acting_entity=tenderer.entity, tender=tender)
    return tender


def seal_bid(party: Party, lot, price: str = "11000000.00", *, keys: envelope.BidderKeys | None = None, tender_code: str | None = None, lot_code: str | None = None, extra_files: dict[str, bytes] | None = None) -> tuple[bytes, bytes]:
    """A real sealed envelope for ``lot`` (format 2 when the tender has custodians); returns (envelope bytes, data key)."""
    from etender.trading.tenders.services import custodian_keys

    keys = keys or party.keys
    form = {"tender": tender_code or lot.tender.code, "lot": lot_code or lot.code, "bidder": party.entity.credit_code, "price": price, "currency": "CNY", "duration_days": 300, "quality": "合格", "notes": None}
    package = envelope.build_bid_package(form, {"技术标.txt": "施工组织设计".encode(), **(extra_files or {})})
    out = io.BytesIO()
    custodians = custodian_keys(lot.tender)
    if custodians:
        envelope.seal_v2(plaintext=io.BytesIO(package), out=out, tender=form["tender"], lot=form["lot"], bidder=party.entity.credit_code, suite=lot.tender.suite, bidder_encryption_public=keys.encryption_public, signing_private=keys.signing_private, custodians=custodians, threshold=lot.tender.threshold)
    else:
        envelope.seal(plaintext=io.BytesIO(package), out=out, tender=form["tender"], lot=form["lot"], bidder=party.entity.credit_code, recipient_public=keys.encryption_public, signing_private=keys.signing_private)
    data = out.getvalue()
    dek = envelope.unwrap_dek(io.BytesIO(data), encryption_private=keys.encryption_private)
    return data, dek


def upload(data: bytes, name: str = "bid.etenv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def custodian_user(username: str, *, staff: bool = False, entity: Entity | None = None):
    from etender.trading.accounts.models import Membership

    user = get_user_model().objects.create_user(username=username, password=PASSWORD, first_name=username, is_staff=staff)
    if entity is not None:
        Membership.objects.create(user=user, entity=entity, role=Membership.Role.STAFF)
    return user


def custodian_users(manager: Party, roles: tuple[str, ...], *, prefix: str) -> list:
    """Users fit for each custodian role: the tenderer's own officer, operator staff, outside parties."""
    return [
        custodian_user(f"{prefix}-{i}", staff=(role == "operator"), entity=manager.entity if role == "tenderer" else None)
        for i, role in enumerate(roles, start=1)
    ]


def setup_custodians(tender: Tender, manager: Party, *, suite: str = "intl", roles: tuple[str, ...] = ("tenderer", "operator", "independent"), threshold: int = 2) -> dict[int, Any]:
    """Name custodians for a draft, let each make its key on "its own side"; returns index -> key pair."""
    import base64

    from etender.trading.tenders.models import Custodian

    users = custodian_users(manager, roles, prefix=f"cust-{tender.pk}")
    tender_services.custodians_assign(actor=manager.actor, acting_entity=manager.entity, tender=tender, suite=suite, threshold=threshold, custodians=[{"role": r, "username": u.username} for r, u in zip(roles, users)])
    pairs = {}
    for c in Custodian.objects.filter(tender=tender).order_by("index"):
        pair = envelope.generate_custodian_keys(suite)
        tender_services.custodian_key_register(actor=Actor(user_id=c.user_id, username=c.user.username, ip="127.0.0.1"), custodian=c, public_key=base64.b64encode(pair.public).decode())
        pairs[c.index] = (c, pair)
    return pairs

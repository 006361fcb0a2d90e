"""Seed a realistic demo on this trading platform (used by `etender demo`; idempotent)."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from etender.kernel import clock, envelope
from etender.kernel.audit.actors import Actor
from etender.trading import chronograph, testing
from etender.trading.accounts.models import Entity
from etender.trading.bids import services as bid_services

DEMO_PASSWORD = "Demo-2026!"

PROFILES = {
    "a": {
        "operator": "浙江省公共资源交易服务有限公司",
        "tenderer": "杭州市西湖区城市建设发展中心",
        "agency": "浙江求是招标代理有限公司",
        "bidders": ["浙江之江建设集团有限公司", "杭州钱塘市政工程有限公司", "浙江西子路桥建设有限公司", "宁波甬城建设有限公司"],
        "region": "330106",
        "open": ("文三路综合改造工程", "杭州市西湖区文三路"),
        "opened": ("西溪湿地周边道路提升工程", "杭州市西湖区天目山路"),
        "failed": ("转塘街道农贸市场改造工程", "杭州市西湖区转塘街道"),
    },
    "b": {
        "operator": "杭州数智招采科技有限公司",
        "tenderer": "杭州市滨江区教育局",
        "agency": "浙江中正工程咨询有限公司",
        "bidders": ["浙江启明教育装备有限公司", "杭州智慧校园科技有限公司", "浙江未来课堂设备有限公司", "温州东瓯信息技术有限公司"],
        "region": "330108",
        "open": ("滨江区中小学智慧教室建设项目", "杭州市滨江区"),
        "opened": ("滨江区实验小学新校区装修工程", "杭州市滨江区长河街道"),
        "failed": ("滨江区教师发展中心设备采购", "杭州市滨江区西兴街道"),
    },
}


class Command(BaseCommand):
    help = "Seed demo entities, users and tenders at every stage (idempotent)."

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write("demo data present")
            return
        profile = PROFILES["b" if settings.ETENDER_INSTANCE.endswith("-b") else "a"]
        key_dir = Path(settings.ETENDER_VAR_DIR) / "demo-keys" / settings.ETENDER_INSTANCE
        key_dir.mkdir(parents=True, exist_ok=True)
        User.objects.create_superuser("admin", "admin@example.invalid", DEMO_PASSWORD, first_name="平台运营管理员")
        Entity.objects.create(
            credit_code=settings.ETENDER_PLATFORM_CODE,
            name=profile["operator"],
            is_platform_operator=True,
            legal_representative="运营法人",
            region_code="330100",
            contact_name="平台客服",
            contact_phone="0571-96000000",
            registered_at=clock.now(),
        )
        real = clock.now()
        start = real - timedelta(days=60)
        previous = clock.install(clock.FrozenClock(start))
        try:
            self._seed(profile, key_dir, start)
        finally:
            clock.install(previous)
        # The open tender is published "now" so that its documents and deadline are current.
        tenderer = Entity.objects.get(name=profile["tenderer"])
        party = testing.Party(entity=tenderer, actor=Actor(user_id=tenderer.members.first().user_id, username="tenderer", ip="127.0.0.1"))
        t = self._tender(party, profile["open"], lots=2, custodians_dir=key_dir)
        self.stdout.write(f"open tender {t.code} deadline {t.bid_deadline} (double envelope, 2 of 3 custodians)")

    def _custodians(self, party, tender, key_dir: Path) -> None:
        """The open tender uses the double envelope: officer (tenderer), operator (admin) and a notary, 2 of 3."""
        import base64

        from etender.trading.tenders import services as tender_services
        from etender.trading.tenders.models import Custodian

        User = get_user_model()
        from etender.trading.accounts.models import Membership

        officer = User.objects.create_user("officer", password=DEMO_PASSWORD, first_name="开标负责人")
        Membership.objects.create(user=officer, entity=party.entity, role=Membership.Role.STAFF)
        notary = User.objects.create_user("notary", password=DEMO_PASSWORD, first_name="公证员")
        tender_services.custodians_assign(
            actor=party.actor, acting_entity=party.entity, tender=tender, suite="intl", threshold=2,
            custodians=[{"role": "tenderer", "username": officer.username}, {"role": "operator", "username": "admin"}, {"role": "independent", "username": notary.username}],
        )
        for c in Custodian.objects.filter(tender=tender).select_related("user"):
            pair = envelope.generate_custodian_keys("intl")
            (key_dir / f"custodian-{c.index}-{c.user.username}.key.json").write_text(json.dumps({"type": "etender-custodian-key", "suite": "intl", "key_id": pair.key_id, "public_key": base64.b64encode(pair.public).decode(), "private_key": base64.b64encode(pair.private).decode()}, indent=2))
            tender_services.custodian_key_register(actor=Actor(user_id=c.user_id, username=c.user.username, ip="127.0.0.1"), custodian=c, public_key=base64.b64encode(pair.public).decode())

    def _tender(self, party, names, *, lots, custodians_dir: Path | None = None):
        from etender.trading.tenders import services as tender_services

        name, address = names
        project = tender_services.project_create(actor=party.actor, owner=party.entity, data={**testing.PROJECT_DATA, "name": name, "address": address, "region_code": party.entity.region_code})
        now = clock.now()
        data = testing.tender_data(now, name=f"{name}施工招标", content=f"{name}施工，分{lots}个标段。", announcement_content=f"{name}已批准建设，现对该项目施工进行公开招标，欢迎符合条件的投标人参加投标。")
        tender = tender_services.tender_create(actor=party.actor, project=project, acting_entity=party.entity, data=data, lots=[testing.lot_data(i, name=f"第{i}标段 {'道路工程' if i == 1 else '排水工程'}施工") for i in range(1, lots + 1)])
        from django.core.files.uploadedfile import SimpleUploadedFile

        body = f"{name}招标文件\n第一章 招标公告\n第二章 投标人须知\n第三章 评标办法（综合评估法）\n第四章 合同条款\n第五章 工程量清单\n".encode()
        tender_services.document_upload(actor=party.actor, acting_entity=party.entity, tender=tender, name=f"{name}招标文件.txt", file=SimpleUploadedFile("doc.txt", body))
        if custodians_dir is not None:
            self._custodians(party, tender, custodians_dir)
        return tender_services.tender_publish(actor=party.actor, acting_entity=party.entity, tender=tender)

    def _seed(self, profile, key_dir: Path, start):
        region = profile["region"]
        tenderer = testing.make_party(profile["tenderer"], ["tenderer"], region=region, username="tenderer")
        testing.make_party(profile["agency"], ["agency"], region=region, username="agency")
        bidders = []
        for i, name in enumerate(profile["bidders"], start=1):
            party = testing.make_party(name, ["bidder"], with_key=True, region=region, username=f"bidder{i}")
            (key_dir / f"bidder{i}.key.json").write_text(json.dumps(envelope.keys_to_json(party.keys, include_private=True), indent=2))
            (key_dir / f"bidder{i}.pub.json").write_text(json.dumps(envelope.keys_to_json(party.keys, include_private=False), indent=2))
            bidders.append(party)
        from django.contrib.auth.hashers import make_password

        get_user_model().objects.filter(username__in=["tenderer", "agency", "bidder1", "bidder2", "bidder3", "bidder4"]).update(password=make_password(DEMO_PASSWORD))

        # An opened tender ready for evaluation: four bids, decrypted online, record published.
        opened = self._tender(tenderer, profile["opened"], lots=1)
        lot = opened.lots.get()
        deks = []
        for i, party in enumerate(bidders):
            clock.current().advance(hours=1)
            data, dek = testing.seal_bid(party, lot, price=f"{11450000 - i * 123000}.00")
            bid_services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
            deks.append((party, dek))
        clock.current().set(opened.bid_deadline)
        chronograph.tick()
        for party, dek in deks:
            clock.current().advance(minutes=3)
            bid_services.bid_decrypt(actor=party.actor, entity=party.entity, bid=party.entity.bids.get(lot=lot), dek=base64.b64encode(dek).decode())

        # A failed lot: only two bids by the deadline (E125).
        clock.current().set(start + timedelta(days=10))
        failed = self._tender(tenderer, profile["failed"], lots=1)
        flot = failed.lots.get()
        for party in bidders[2:4]:
            data, _ = testing.seal_bid(party, flot, price="3650000.00")
            bid_services.bid_submit(actor=party.actor, entity=party.entity, lot=flot, file=testing.upload(data))
        clock.current().set(failed.bid_deadline)
        chronograph.tick()

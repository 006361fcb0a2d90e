"""Seed the demo's hub-registered market entity (idempotent): 浙江通衢建设有限公司 with its administrator ``tongqu``.

The entity is verified by the hub's staff (system actor) and has one qualification and one Ed25519 public key,
so that the look-up API shows every part.  ``etender demo`` runs it.
"""

from __future__ import annotations

from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand

from etender.hub.identity import services
from etender.hub.identity.models import MarketEntity
from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.codes import make_uscc

DEMO_PASSWORD = "Demo-2026!"
CODE = make_uscc("91330108MA2B7C8D9")  # the first bidder of kernel.exchange.examples
NAME = "浙江通衢建设有限公司"


class Command(BaseCommand):
    help = "Create the demo market entity registered at the hub, with the user tongqu (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD)

    def handle(self, *args, **o):
        if not MarketEntity.objects.filter(credit_code=CODE).exists():
            entity, user = services.entity_register(
                actor=Actor.system("seed"),
                credit_code=CODE,
                name=NAME,
                roles=["bidder"],
                legal_representative="陈通衢",
                region_code="330108",
                address="浙江省杭州市滨江区江南大道3588号",
                email="bid@tongqu.example.cn",
                contact_name="林晓",
                contact_phone="0571-88886666",
                username="tongqu",
                password=o["password"],
                full_name="林晓",
                user_email="linxiao@tongqu.example.cn",
            )
            actor = Actor(user_id=user.pk, username=user.username, entity_code=CODE)
            services.qualification_add(actor=actor, entity=entity, name="建筑工程施工总承包", number="D233012345", level="二级", issuer="浙江省住房和城乡建设厅", valid_until=clock.now().date() + timedelta(days=3 * 365))
            key = Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
            services.certificate_add(actor=actor, entity=entity, ca_name="浙江省数字安全证书管理有限公司", algorithm="Ed25519", key_text=key, serial="ZJCA-2026-000123", valid_until=clock.now() + timedelta(days=730))
            services.entity_set_status(actor=Actor.system("seed"), entity=entity, status=MarketEntity.Status.VERIFIED, note="演示数据 / demo data")
        self.stdout.write(f"hub demo: entity {NAME} {CODE}, user tongqu")

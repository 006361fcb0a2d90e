"""Builders for tests and the demo: an opened lot with real sealed bids, a committee and its members."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.trading import chronograph, testing
from etender.trading.accounts.models import Membership
from etender.trading.bids import services as bid_services
from etender.trading.tenders.models import Lot, LotStatus

from . import services
from .models import Committee, Seat

PRICES = ("11000000.00", "10900000.00", "10850000.00", "8800000.00")
BIDDER_NAMES = ("浙江之江建设集团有限公司", "杭州钱塘市政工程有限公司", "浙江西子路桥建设有限公司", "宁波甬城建设有限公司")


def actor_of(user) -> Actor:
    entity = getattr(getattr(user, "membership", None), "entity", None)
    return Actor(user_id=user.pk, username=user.username, ip="127.0.0.1", entity_code=getattr(entity, "credit_code", None))


def opened_lot(tenderer: testing.Party, bidders: list[testing.Party], frozen_clock, prices: tuple[str, ...] = PRICES) -> Lot:
    """A published tender whose lot 1 is opened with one decrypted bid per bidder (lot 2 fails without bids)."""
    tender = testing.published_tender(tenderer)
    lot = tender.lots.get(number=1)
    deks = {}
    for party, price in zip(bidders, prices):
        data, dek = testing.seal_bid(party, lot, price=price)
        bid_services.bid_submit(actor=party.actor, entity=party.entity, lot=lot, file=testing.upload(data))
        deks[party.entity.pk] = dek
    frozen_clock.set(tender.bid_deadline)
    chronograph.tick()
    for party in bidders[: len(prices)]:
        bid = party.entity.bids.get(lot=lot)
        bid_services.bid_decrypt(actor=party.actor, entity=party.entity, bid=bid, dek=base64.b64encode(deks[party.entity.pk]).decode())
    lot.refresh_from_db()
    assert lot.status == LotStatus.OPENED
    return lot


def representative(tenderer: testing.Party, username: str = "rep-wang", full_name: str = "王代表"):
    user = get_user_model().objects.create_user(username=username, password=testing.PASSWORD, first_name=full_name)
    Membership.objects.create(user=user, entity=tenderer.entity, role=Membership.Role.STAFF)
    return user


def expert_users(n: int, *, prefix: str = "expert", names: tuple[str, ...] = ("张建国", "李卫东", "陈海燕", "刘志强", "赵晓梅", "周文斌", "吴丽华")) -> list[Any]:
    """Local expert accounts linked to pool references (as the hub's SSO claim would link them)."""
    users = []
    for i in range(n):
        user = get_user_model().objects.create_user(username=f"{prefix}{i + 1}", password=testing.PASSWORD, first_name=names[i % len(names)])
        services.expert_link(actor=Actor.system("test"), user=user, expert_ref=f"EXP{prefix.upper()}{i + 1:04d}", name=names[i % len(names)])
        users.append(user)
    return users


def special_committee(tenderer: testing.Party, lot: Lot, experts: list, reps: list, *, method: str = "comprehensive", config: dict[str, Any] | None = None, specialty: str = "A08") -> Committee:
    """A committee of directly appointed experts (条例 47 special project) — the path that needs no hub."""
    committee = services.committee_create(
        actor=tenderer.actor,
        entity=tenderer.entity,
        lot=lot,
        specialties=[{"code": specialty, "count": len(experts)}],
        representatives=[u.username for u in reps],
        evaluation_start=clock.now() + timedelta(minutes=30),
        evaluation_place="杭州市公共资源交易中心评标室3（在线）",
        duration_hours=4,
        method=method,
        method_config=config,
        draw_mode=Committee.DrawMode.SPECIAL,
        special_reason="技术复杂、专业性强的特殊项目，经批准直接确定评标专家（条例第47条）",
    )
    return services.seats_appoint(actor=tenderer.actor, entity=tenderer.entity, committee=committee, experts=[{"username": u.username, "specialty": specialty} for u in experts])


def ready_committee(committee: Committee, users: list) -> Committee:
    """Every member confirms and checks in; the first expert becomes chair; the evaluation starts."""
    for user in users:
        seat = Seat.objects.filter(committee=committee, user=user).first()
        if seat is not None and seat.kind == Seat.Kind.EXPERT and seat.status == Seat.Status.NOTIFIED:
            services.seat_confirm(actor=actor_of(user), user=user, committee=committee, confirmed=True)
    for user in users:
        services.seat_check_in(actor=actor_of(user), user=user, committee=committee)
    chair = committee.seats.filter(kind=Seat.Kind.EXPERT).order_by("position").first()
    services.chair_set(actor=actor_of(users[0]), user=users[0], entity=None, committee=committee, seat=chair)
    return services.evaluation_begin(actor=actor_of(chair.user), user=chair.user, entity=None, committee=committee)

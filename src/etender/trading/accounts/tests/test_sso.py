"""user_from_sso: the trading platform's local user and entity for someone who signed in with the hub account."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from etender.kernel.audit.models import AuditEntry
from etender.kernel.codes import make_uscc
from etender.kernel.errors import RuleViolation
from etender.trading import testing
from etender.trading.accounts.models import Entity, HubIdentity, Membership
from etender.trading.accounts.services import user_from_sso

pytestmark = pytest.mark.django_db

ISSUER = "http://hub.example/o"
CODE = make_uscc("91330108MA2B7C8D9")


def claims(sub="a1b2c3d4-0000-4000-8000-000000000001", **entity) -> dict:
    ent = {
        "uscc": CODE,
        "name": "浙江通衢建设有限公司",
        "roles": ["bidder"],
        "verified": False,
        "status": "pending",
        "region_code": "330108",
        "legal_representative": "陈通衢",
        "address": "杭州市滨江区江南大道3588号",
        "email": "bid@tongqu.example.cn",
        "contact": {"name": "林晓", "phone": "0571-88886666", "email": "linxiao@tongqu.example.cn"},
        "user_role": "admin",
    }
    ent.update(entity)
    return {"sub": sub, "name": "林晓", "preferred_username": "tongqu", "email": "linxiao@tongqu.example.cn", "entity": ent}


def sign_in(c: dict):
    request = RequestFactory().get("/sso/callback/", REMOTE_ADDR="198.51.100.4")
    return user_from_sso(request=request, claims=c, issuer=ISSUER)


def test_first_sign_in_creates_user_entity_membership_and_log_entry():
    user = sign_in(claims())
    assert user.username == "tongqu@hub" and not user.has_usable_password() and user.first_name == "林晓"
    link = HubIdentity.objects.get(user=user)
    assert link.issuer == ISSUER and link.entity_code == CODE and link.verified is False
    entity = Entity.objects.get(credit_code=CODE)
    assert entity.name == "浙江通衢建设有限公司" and entity.roles == ["bidder"] and entity.region_code == "330108"
    assert entity.contact_name == "林晓" and entity.contact_phone == "0571-88886666"
    assert Membership.objects.get(user=user).entity == entity and user.membership.role == "admin"
    entry = AuditEntry.objects.get(action="account.sso_signed_in")
    assert entry.entity_code == CODE and entry.ip == "198.51.100.4" and entry.data["created_entity"] is True


def test_next_sign_in_reuses_the_user_and_adds_roles():
    first = sign_in(claims())
    again = sign_in(claims(roles=["bidder", "tenderer"], verified=True))
    assert again.pk == first.pk
    entity = Entity.objects.get(credit_code=CODE)
    assert entity.roles == ["tenderer", "bidder"]
    assert HubIdentity.objects.get(user=first).verified is True
    assert get_user_model().objects.filter(username__startswith="tongqu").count() == 1


def test_colleagues_join_the_entity_their_colleague_created():
    sign_in(claims())
    colleague = sign_in(claims(sub="a1b2c3d4-0000-4000-8000-000000000002", user_role="staff"))
    assert colleague.membership.entity.credit_code == CODE and colleague.membership.role == "staff"
    assert colleague.username == "tongqu@hub2"  # same hub user name in the claims: no collision locally


def test_an_entity_with_local_users_is_joined_only_once_the_hub_verified_it():
    local = testing.make_party("浙江通衢建设有限公司", ["bidder"], code=CODE)
    with pytest.raises(RuleViolation) as exc:
        sign_in(claims(verified=False))
    assert exc.value.code == "E027"
    assert not HubIdentity.objects.exists()  # nothing kept
    user = sign_in(claims(verified=True, status="verified"))
    assert user.membership.entity == local.entity and user.membership.role == "admin"


def test_refusals():
    with pytest.raises(RuleViolation) as exc:
        sign_in({"sub": "x", "name": "hub staff"})
    assert exc.value.code == "E026"
    with pytest.raises(RuleViolation) as exc:
        sign_in(claims(status="suspended"))
    assert exc.value.code == "E025"
    with pytest.raises(RuleViolation) as exc:
        sign_in(claims(uscc="91330108MA2B7C8D9X"))
    assert exc.value.code == "E002"
    # a hub account whose entity changed cannot take the local membership elsewhere
    sign_in(claims())
    with pytest.raises(RuleViolation) as exc:
        sign_in(claims(uscc=make_uscc("91330108MA2B7C8D8"), name="另一家公司"))
    assert exc.value.code == "E006"

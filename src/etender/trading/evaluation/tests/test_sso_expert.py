"""An expert signs in with the hub account (claim ``etender_expert``) and sees the lots they sit on."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from etender.kernel.errors import RuleViolation
from etender.trading.accounts.models import Membership
from etender.trading.accounts.services import user_from_sso
from etender.trading.evaluation import selectors
from etender.trading.evaluation.models import ExpertLink

pytestmark = pytest.mark.django_db
ISSUER = "http://hub.example/o"


def sign_in(claims):
    return user_from_sso(request=RequestFactory().get("/sso/callback/", REMOTE_ADDR="198.51.100.9"), claims=claims, issuer=ISSUER)


def test_expert_without_entity_gets_a_linked_user(frozen_clock):
    claims = {"sub": "hub-expert-1", "name": "张建国", "preferred_username": "zhangjg", "etender_expert": {"ref": "EXP-000123", "name": "张建国"}}
    user = sign_in(claims)
    assert user.username == "zhangjg@hub" and not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    assert selectors.expert_link_of(user).expert_ref == "EXP-000123"
    again = sign_in(claims)
    assert again.pk == user.pk and ExpertLink.objects.count() == 1
    # The same expert ref cannot be taken by another hub account.
    with pytest.raises(RuleViolation) as exc:
        sign_in({**claims, "sub": "hub-expert-2", "preferred_username": "other"})
    assert exc.value.code == "E011"


def test_account_without_entity_or_expert_claim_is_refused(frozen_clock):
    with pytest.raises(RuleViolation) as exc:
        sign_in({"sub": "nobody", "name": "某人"})
    assert exc.value.code == "E026"

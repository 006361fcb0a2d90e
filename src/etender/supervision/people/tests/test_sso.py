"""Market entities' users on the supervision platform: linked by hub subject, never staff; "my account" shows the entity."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from etender.kernel.audit.models import AuditEntry
from etender.kernel.errors import RuleViolation
from etender.supervision.people.models import HubIdentity
from etender.supervision.people.services import user_from_sso

pytestmark = pytest.mark.django_db

ISSUER = "http://hub.example/o"
CLAIMS = {
    "sub": "a1b2c3d4-0000-4000-8000-000000000001",
    "name": "林晓",
    "preferred_username": "tongqu",
    "entity": {"uscc": "91330108MA2B7C8D9C", "name": "浙江通衢建设有限公司", "roles": ["bidder", "admin?"], "verified": True, "status": "verified"},
}


def sign_in(claims):
    return user_from_sso(request=RequestFactory().get("/sso/callback/"), claims=claims, issuer=ISSUER)


def test_a_market_entity_user_without_staff_rights():
    user = sign_in(CLAIMS)
    assert user.username == "tongqu@hub" and not user.is_staff and not user.is_superuser and not user.has_usable_password()
    link = HubIdentity.objects.get(user=user)
    assert link.entity_name == "浙江通衢建设有限公司" and link.entity_roles == ["bidder"] and link.verified
    assert sign_in({**CLAIMS, "entity": {**CLAIMS["entity"], "name": "浙江通衢建设集团有限公司"}}).pk == user.pk
    link.refresh_from_db()
    assert link.entity_name == "浙江通衢建设集团有限公司"
    assert AuditEntry.objects.filter(action="people.sso_signed_in").count() == 2


def test_refusals():
    for claims, code in (({"sub": "x"}, "E026"), ({**CLAIMS, "entity": {**CLAIMS["entity"], "status": "suspended"}}, "E025"), ({**CLAIMS, "entity": {**CLAIMS["entity"], "uscc": "123"}}, "E002")):
        with pytest.raises(RuleViolation) as exc:
            sign_in(claims)
        assert exc.value.code == code


def test_my_account_page_shows_the_entity():
    user = sign_in(CLAIMS)
    c = Client()
    c.force_login(user)
    html = c.get("/me/").content.decode()
    assert "浙江通衢建设有限公司" in html and "林晓" in html and "经公共服务平台核验" in html
    assert Client().get("/me/").status_code == 302  # sign-in required

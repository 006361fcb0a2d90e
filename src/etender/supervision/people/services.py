"""Sign-in of market entities' users with the hub account (``ETENDER_SSO_USER_HANDLER`` of supervision)."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.codes import CodeError, normalize_uscc, validate_uscc
from etender.kernel.errors import RuleViolation

from .models import HubIdentity

User = get_user_model()
ROLES = ("tenderer", "agency", "bidder")


def _username(preferred: str) -> str:
    base = (re.sub(r"[^A-Za-z0-9_.+\-]", "", preferred or "") or "user")[:140] + "@hub"
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


@transaction.atomic
def user_from_sso(*, request, claims: dict[str, Any], issuer: str) -> Any:
    """Find or create the local user linked to the hub subject: a market entity's user, never staff."""
    sub = str(claims.get("sub") or "")
    ent = claims.get("entity") if isinstance(claims.get("entity"), dict) else None
    if not sub or ent is None or not ent.get("uscc"):
        raise RuleViolation("E026")
    if ent.get("status") == "suspended":
        raise RuleViolation("E025")
    code = normalize_uscc(str(ent["uscc"]))
    try:
        validate_uscc(code)
    except CodeError as exc:
        raise RuleViolation("E002", detail_zh=exc.message_zh, detail_en=exc.message_en) from None
    now = clock.now()
    fields = {
        "entity_code": code,
        "entity_name": str(ent.get("name") or code)[:200],
        "entity_roles": [r for r in ent.get("roles") or [] if r in ROLES],
        "verified": ent.get("verified") is True,
        "last_sign_in_at": now,
    }
    full_name = str(claims.get("name") or "")[:150]
    email = str(claims.get("email") or "")[:254]
    link = HubIdentity.objects.select_for_update().select_related("user").filter(issuer=issuer, subject=sub).first()
    created = link is None
    if link is None:
        user = User.objects.create_user(username=_username(str(claims.get("preferred_username") or "")), email=email, first_name=full_name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        link = HubIdentity.objects.create(user=user, issuer=issuer, subject=sub, linked_at=now, **fields)
    else:
        user = link.user
        user.first_name, user.email = full_name or user.first_name, email or user.email
        user.is_staff = user.is_superuser = False
        user.save(update_fields=["first_name", "email", "is_staff", "is_superuser"])
        for k, v in fields.items():
            setattr(link, k, v)
        link.save()
    actor = Actor(user_id=user.pk, username=user.get_username(), ip=getattr(request, "client_ip", None) or request.META.get("REMOTE_ADDR"), entity_code=code)
    audit_record(actor=actor, action="people.sso_signed_in", obj=link, data={"issuer": issuer, "subject": sub, "verified": fields["verified"], "created": created})
    return user

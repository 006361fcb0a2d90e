"""Writes for market entities, their users and their sealing keys."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from etender.kernel import clock, envelope
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.codes import CodeError, normalize_uscc, validate_region_code, validate_uscc
from etender.kernel.errors import RuleViolation, raise_all
from etender.kernel.suites import get_suite

from .models import BidderKey, Entity, Membership

User = get_user_model()


def check_credit_code(code: str, field: str = "credit_code") -> str:
    code = normalize_uscc(code)
    try:
        validate_uscc(code)
    except CodeError as exc:
        raise RuleViolation("E002", detail_zh=exc.message_zh, detail_en=exc.message_en, field=field) from None
    return code


def check_region(code: str, field: str = "region_code") -> str:
    try:
        validate_region_code(code)
    except CodeError as exc:
        raise RuleViolation("E003", detail_zh=exc.message_zh, detail_en=exc.message_en, field=field) from None
    return code


def id_digest(id_number: str) -> str:
    return hashlib.sha256(id_number.strip().upper().encode()).hexdigest() if id_number.strip() else ""


@transaction.atomic
def entity_register(
    *,
    actor: Actor,
    credit_code: str,
    name: str,
    roles: list[str],
    legal_representative: str,
    region_code: str,
    contact_name: str,
    contact_phone: str,
    username: str,
    password: str,
    legal_rep_id_number: str = "",
    controller_code: str = "",
    address: str = "",
    email: str = "",
    full_name: str = "",
) -> Entity:
    """Free registration of a market entity with its first (administrator) account (电子办法 9)."""
    problems: list[RuleViolation] = []
    try:
        credit_code = check_credit_code(credit_code)
    except RuleViolation as v:
        problems.append(v)
    if controller_code:
        try:
            controller_code = check_credit_code(controller_code, "controller_code")
        except RuleViolation as v:
            problems.append(v)
    try:
        check_region(region_code)
    except RuleViolation as v:
        problems.append(v)
    roles = sorted(set(roles))
    if not roles or not set(roles) <= {"tenderer", "agency", "bidder"}:
        problems.append(RuleViolation("E001", detail_zh="请选择主体角色", detail_en="choose at least one role", field="roles"))
    for field_name, value in (("name", name), ("legal_representative", legal_representative), ("contact_name", contact_name), ("contact_phone", contact_phone), ("username", username)):
        if not value or not value.strip():
            problems.append(RuleViolation("E001", detail_zh="必须填写", detail_en="required", field=field_name))
    if {"tenderer", "agency"} & set(roles):
        # The announcement names them with address and e-mail (national data set 503; 招标公告 content, 条例 15).
        for field_name, value in (("address", address), ("email", email)):
            if not value or not value.strip():
                problems.append(RuleViolation("E001", detail_zh="招标人和招标代理机构必须填写（招标公告须载明）", detail_en="required of tenderers and agencies (the announcement states it)", field=field_name))
    if username and User.objects.filter(username=username).exists():
        problems.append(RuleViolation("E011", detail_zh=f"用户名 {username}", detail_en=f"user name {username}", field="username"))
    try:
        validate_password(password)
    except ValidationError as exc:
        problems.append(RuleViolation("E001", detail_zh="；".join(exc.messages), detail_en="; ".join(exc.messages), field="password"))
    if not problems and Entity.objects.filter(credit_code=credit_code).exists():
        problems.append(RuleViolation("E011", detail_zh=credit_code, detail_en=credit_code, field="credit_code"))
    raise_all(problems)

    try:
        entity = Entity.objects.create(
            credit_code=credit_code,
            name=name.strip(),
            is_tenderer="tenderer" in roles,
            is_agency="agency" in roles,
            is_bidder="bidder" in roles,
            legal_representative=legal_representative.strip(),
            legal_rep_digest=id_digest(legal_rep_id_number),
            controller_code=controller_code,
            region_code=region_code,
            address=address,
            contact_name=contact_name,
            contact_phone=contact_phone,
            email=email,
            registered_at=clock.now(),
        )
    except IntegrityError:  # a concurrent registration of the same code won
        raise RuleViolation("E011", detail_zh=credit_code, detail_en=credit_code, field="credit_code") from None
    user = User.objects.create_user(username=username, password=password, email=email, first_name=full_name or contact_name)
    Membership.objects.create(user=user, entity=entity, role=Membership.Role.ADMIN)
    audit_record(actor=actor, action="entity.registered", obj=entity, data={"credit_code": credit_code, "roles": roles, "user": username})
    return entity


@transaction.atomic
def member_add(*, actor: Actor, entity: Entity, username: str, password: str, full_name: str = "", email: str = "") -> Any:
    if User.objects.filter(username=username).exists():
        raise RuleViolation("E011", detail_zh=f"用户名 {username}", detail_en=f"user name {username}", field="username")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise RuleViolation("E001", detail_zh="；".join(exc.messages), detail_en="; ".join(exc.messages), field="password") from None
    user = User.objects.create_user(username=username, password=password, email=email, first_name=full_name)
    Membership.objects.create(user=user, entity=entity, role=Membership.Role.STAFF)
    audit_record(actor=actor, action="entity.member_added", obj=entity, data={"user": username})
    return user


@transaction.atomic
def bidder_key_register(*, actor: Actor, entity: Entity, key_json: dict[str, Any]) -> BidderKey:
    """Register the public half of a key pair made by ``etender bid keygen``.

    A newer key replaces the older one for new envelopes; old keys stay on
    record so that bids sealed with them can still be verified.
    """
    if not entity.is_bidder:
        raise RuleViolation("E006", detail_zh="仅投标人可登记投标密钥", detail_en="only bidders register sealing keys")
    if not isinstance(key_json, dict) or any(k.startswith(("encryption_private", "signing_private")) for k in key_json):
        raise RuleViolation("E012", detail_zh="只能上传公钥文件，私钥不得离开投标人", detail_en="upload the public key file only; private keys never leave the bidder", field="key_file")
    try:
        keys = envelope.keys_from_json(key_json)
    except (ValueError, KeyError, TypeError) as exc:
        raise RuleViolation("E012", detail_zh=str(exc), detail_en=str(exc), field="key_file") from None
    kid = envelope.key_id(keys.encryption_public, keys.suite)
    if BidderKey.objects.filter(key_id=kid).exclude(entity=entity).exists():
        raise RuleViolation("E011", detail_zh="该密钥已被其他主体登记", detail_en="this key is registered by another entity", field="key_file")
    key, _ = BidderKey.objects.update_or_create(
        key_id=kid,
        defaults={
            "entity": entity,
            "suite": get_suite(keys.suite).keys_id,
            "encryption_public": base64.b64encode(keys.encryption_public).decode(),
            "signing_public": base64.b64encode(keys.signing_public).decode(),
            "registered_at": clock.now(),
            "revoked_at": None,
        },
    )
    audit_record(actor=actor, action="entity.key_registered", obj=entity, data={"key_id": kid})
    return key


def _sso_username(preferred: str) -> str:
    """A local user name for a hub account that cannot collide with local accounts: ``<hub user name>@hub``."""
    import re

    base = (re.sub(r"[^A-Za-z0-9_.+\-]", "", preferred or "") or "user")[:140] + "@hub"
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


@transaction.atomic
def user_from_sso(*, request, claims: dict[str, Any], issuer: str) -> Any:
    """The local user of someone who signed in with the hub account (``ETENDER_SSO_USER_HANDLER``).

    Finds or creates the user linked to (issuer, sub), and the local entity of
    the hub's ``entity`` claim by its credit code, with a membership.  A local
    entity that already has users of its own is joined only if the hub has
    verified the entity (E027): registering a code at the hub must not open
    somebody else's account here.  Roles the hub lists are added, never removed.
    """
    from .models import HubIdentity

    sub = str(claims.get("sub") or "")
    ent = claims.get("entity") if isinstance(claims.get("entity"), dict) else None
    expert = claims.get("etender_expert") if isinstance(claims.get("etender_expert"), dict) and claims["etender_expert"].get("ref") else None
    if sub and expert is not None and (ent is None or not ent.get("uscc")):
        return _expert_from_sso(request=request, claims=claims, issuer=issuer, expert=expert)
    if not sub or ent is None or not ent.get("uscc"):
        raise RuleViolation("E026")
    code = check_credit_code(str(ent["uscc"]), field="uscc")
    verified = ent.get("verified") is True
    if ent.get("status") == "suspended":
        raise RuleViolation("E025")
    roles = [r for r in ent.get("roles") or [] if r in ("tenderer", "agency", "bidder")]
    now = clock.now()
    full_name = str(claims.get("name") or "")[:150]
    email = str(claims.get("email") or "")[:254]

    link = HubIdentity.objects.select_for_update().select_related("user").filter(issuer=issuer, subject=sub).first()
    created_user = link is None
    if link is None:
        user = User.objects.create_user(username=_sso_username(str(claims.get("preferred_username") or "")), email=email, first_name=full_name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        link = HubIdentity.objects.create(user=user, issuer=issuer, subject=sub, entity_code=code, verified=verified, linked_at=now, last_sign_in_at=now)
    else:
        user = link.user
        user.first_name, user.email = full_name or user.first_name, email or user.email
        user.save(update_fields=["first_name", "email"])
        link.entity_code, link.verified, link.last_sign_in_at = code, verified, now
        link.save(update_fields=["entity_code", "verified", "last_sign_in_at"])

    entity = Entity.objects.select_for_update().filter(credit_code=code).first()
    created_entity = entity is None
    if entity is None:
        contact = ent.get("contact") if isinstance(ent.get("contact"), dict) else {}
        region = str(ent.get("region_code") or "")
        try:
            check_region(region)
        except RuleViolation:
            region = "330000"
        entity = Entity.objects.create(
            credit_code=code,
            name=str(ent.get("name") or code)[:200],
            is_tenderer="tenderer" in roles,
            is_agency="agency" in roles,
            is_bidder="bidder" in roles,
            legal_representative=str(ent.get("legal_representative") or "")[:50],
            region_code=region,
            address=str(ent.get("address") or "")[:300],
            contact_name=str(contact.get("name") or full_name)[:50],
            contact_phone=str(contact.get("phone") or "")[:30],
            email=str(ent.get("email") or contact.get("email") or "")[:254],
            registered_at=now,
        )
    membership = Membership.objects.filter(user=user).select_related("entity").first()
    if membership is not None and membership.entity_id != entity.pk:
        raise RuleViolation("E006", detail_zh=f"该账号已关联 {membership.entity.name}", detail_en=f"this account is linked to {membership.entity.name}")
    if membership is None:
        local_users = Membership.objects.filter(entity=entity, user__hub_identity__isnull=True).exists()
        if local_users and not verified:
            raise RuleViolation("E027", detail_zh=code, detail_en=code)
        role = Membership.Role.ADMIN if ent.get("user_role") == "admin" else Membership.Role.STAFF
        membership = Membership.objects.create(user=user, entity=entity, role=role)
    added = [r for r in roles if not getattr(entity, f"is_{r}")]
    if added:
        for r in added:
            setattr(entity, f"is_{r}", True)
        entity.save(update_fields=[f"is_{r}" for r in added])
    actor = Actor(user_id=user.pk, username=user.get_username(), ip=getattr(request, "client_ip", None) or request.META.get("REMOTE_ADDR"), entity_code=code)
    audit_record(
        actor=actor,
        action="account.sso_signed_in",
        obj=entity,
        data={"issuer": issuer, "subject": sub, "verified": verified, "created_user": created_user, "created_entity": created_entity, "roles_added": added},
    )
    if expert is not None:
        from etender.trading.evaluation.services import expert_link

        expert_link(actor=actor, user=user, expert_ref=str(expert["ref"]), name=str(expert.get("name") or full_name))
    return user


def _expert_from_sso(*, request, claims: dict[str, Any], issuer: str, expert: dict[str, Any]) -> Any:
    """An expert of the hub's pool without a market entity (claim ``etender_expert``): a user with no membership,
    linked to the expert reference so that they see the lots whose committee they sit on (docs/evaluation.md)."""
    from etender.trading.evaluation.services import expert_link

    from .models import HubIdentity

    sub = str(claims["sub"])
    now = clock.now()
    full_name = str(claims.get("name") or expert.get("name") or "")[:150]
    link = HubIdentity.objects.select_for_update().select_related("user").filter(issuer=issuer, subject=sub).first()
    if link is None:
        user = User.objects.create_user(username=_sso_username(str(claims.get("preferred_username") or "")), email=str(claims.get("email") or "")[:254], first_name=full_name)
        user.set_unusable_password()
        user.save(update_fields=["password"])
        HubIdentity.objects.create(user=user, issuer=issuer, subject=sub, entity_code="", verified=True, linked_at=now, last_sign_in_at=now)
    else:
        user = link.user
        link.last_sign_in_at = now
        link.save(update_fields=["last_sign_in_at"])
    actor = Actor(user_id=user.pk, username=user.get_username(), ip=getattr(request, "client_ip", None) or request.META.get("REMOTE_ADDR"))
    expert_link(actor=actor, user=user, expert_ref=str(expert["ref"]), name=str(expert.get("name") or full_name))
    audit_record(actor=actor, action="account.sso_signed_in", obj=user.hub_identity, data={"issuer": issuer, "subject": sub, "expert_ref": str(expert["ref"])})
    return user

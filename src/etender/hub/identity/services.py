"""Writes of the entity registry: free registration, editing, certificates, users, verification, OIDC clients.

Registration is open and free (电子办法 45); a new entity is ``pending`` until
the hub's staff have checked it against the national enterprise credit
publicity system (国家企业信用信息公示系统) and set it ``verified``.  Pending
entities may already sign in on the platforms, which see ``verified: false``
in the ID token and decide what that allows (docs/identity.md).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.codes import CodeError, normalize_uscc, validate_region_code, validate_uscc
from etender.kernel.errors import RuleViolation, raise_all
from etender.kernel.events import publish_on_commit

from .certs import KeyProblem, parse_public_key
from .models import Certificate, Contact, EntityUser, MarketEntity, Qualification

User = get_user_model()

ROLES = ("tenderer", "agency", "bidder")
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,28}$")
USERNAME = re.compile(r"^[A-Za-z0-9_.@+\-]{3,150}$")
MAX_QUALIFICATIONS = 100
MAX_CERTIFICATES = 50
MAX_CONTACTS = 20
MAX_USERS = 200


# --- checks ------------------------------------------------------------------------


def _required(problems: list[RuleViolation], **fields: str) -> None:
    for name, value in fields.items():
        if not value or not str(value).strip():
            problems.append(RuleViolation("E001", detail_zh="必须填写", detail_en="required", field=name))


def _credit_code(problems: list[RuleViolation], code: str) -> str:
    code = normalize_uscc(code or "")
    try:
        validate_uscc(code)
    except CodeError as exc:
        problems.append(RuleViolation("E002", detail_zh=exc.message_zh, detail_en=exc.message_en, field="credit_code"))
    return code


def _region(problems: list[RuleViolation], code: str) -> None:
    try:
        validate_region_code(code or "")
    except CodeError as exc:
        problems.append(RuleViolation("E003", detail_zh=exc.message_zh, detail_en=exc.message_en, field="region_code"))


def _roles(problems: list[RuleViolation], roles: list[str]) -> list[str]:
    roles = sorted(set(roles or []))
    if not roles or not set(roles) <= set(ROLES):
        problems.append(RuleViolation("E001", detail_zh="请选择主体角色", detail_en="choose at least one role", field="roles"))
    return roles


def _entity_fields(problems: list[RuleViolation], *, name: str, roles: list[str], legal_representative: str, region_code: str, address: str, email: str) -> list[str]:
    _required(problems, name=name, legal_representative=legal_representative)
    roles = _roles(problems, roles)
    _region(problems, region_code)
    if {"tenderer", "agency"} & set(roles):
        # Announcements name the tenderer and the agency with address and e-mail (条例 15; data set 503).
        for field_name, value in (("address", address), ("email", email)):
            if not value or not value.strip():
                problems.append(RuleViolation("E001", detail_zh="招标人和招标代理机构必须填写（招标公告须载明）", detail_en="required of tenderers and agencies (announcements state it)", field=field_name))
    _email(problems, email, "email")
    return roles


def _email(problems: list[RuleViolation], value: str, field: str) -> None:
    if value:
        try:
            validate_email(value)
        except ValidationError:
            problems.append(RuleViolation("E001", detail_zh="电子邮箱格式不正确", detail_en="not an e-mail address", field=field))


def _phone(problems: list[RuleViolation], value: str, field: str) -> None:
    if value and not PHONE.match(value.strip()):
        problems.append(RuleViolation("E001", detail_zh="电话号码格式不正确", detail_en="not a telephone number", field=field))


def _account(problems: list[RuleViolation], *, username: str, password: str, full_name: str) -> None:
    _required(problems, username=username, full_name=full_name)
    if username and not USERNAME.match(username):
        problems.append(RuleViolation("E001", detail_zh="用户名只能使用3至150个字母、数字和 @ . + - _", detail_en="3–150 letters, digits and @ . + - _", field="username"))
    elif username and User.objects.filter(username__iexact=username).exists():
        problems.append(RuleViolation("E011", detail_zh=f"用户名 {username}", detail_en=f"user name {username}", field="username"))
    try:
        validate_password(password or "", user=User(username=username or ""))
    except ValidationError as exc:
        problems.append(RuleViolation("E001", detail_zh="；".join(exc.messages), detail_en="; ".join(exc.messages), field="password"))


def _membership(actor: Actor, entity: MarketEntity, *, admin: bool) -> EntityUser:
    account = EntityUser.objects.filter(user_id=actor.user_id, entity=entity).first() if actor.user_id else None
    if account is None or (admin and account.role != EntityUser.Role.ADMIN):
        raise RuleViolation("E006", detail_zh="仅本主体的管理员可以修改", detail_en="only the entity's administrators may change it")
    return account


def _audit_actor(actor: Actor, entity: MarketEntity) -> Actor:
    return Actor(user_id=actor.user_id, username=actor.username, ip=actor.ip, entity_code=actor.entity_code or entity.credit_code)


# --- registration and editing ----------------------------------------------------------


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
    full_name: str,
    address: str = "",
    email: str = "",
    user_email: str = "",
) -> tuple[MarketEntity, Any]:
    """Free registration of a market entity with its first user, its administrator (电子办法 45)."""
    problems: list[RuleViolation] = []
    credit_code = _credit_code(problems, credit_code)
    roles = _entity_fields(problems, name=name, roles=roles, legal_representative=legal_representative, region_code=region_code, address=address, email=email)
    _required(problems, contact_name=contact_name, contact_phone=contact_phone)
    _phone(problems, contact_phone, "contact_phone")
    _account(problems, username=username, password=password, full_name=full_name)
    _email(problems, user_email, "user_email")
    if not any(p.field == "credit_code" for p in problems) and MarketEntity.objects.filter(credit_code=credit_code).exists():
        problems.append(RuleViolation("E011", detail_zh=f"{credit_code} 已注册，请联系本主体的管理员为您开通账号", detail_en=f"{credit_code} is registered: ask the entity's administrator for an account", field="credit_code"))
    raise_all(problems)

    now = clock.now()
    try:
        with transaction.atomic():
            entity = MarketEntity.objects.create(
                credit_code=credit_code,
                name=name.strip(),
                is_tenderer="tenderer" in roles,
                is_agency="agency" in roles,
                is_bidder="bidder" in roles,
                legal_representative=legal_representative.strip(),
                region_code=region_code,
                address=address.strip(),
                email=email.strip(),
                registered_at=now,
                updated_at=now,
            )
            user = User.objects.create_user(username=username, password=password, email=user_email or email, first_name=full_name.strip()[:150])
    except IntegrityError:  # a concurrent registration of the same code or user name won
        if User.objects.filter(username__iexact=username).exists():
            raise RuleViolation("E011", detail_zh=f"用户名 {username}", detail_en=f"user name {username}", field="username") from None
        raise RuleViolation("E011", detail_zh=credit_code, detail_en=credit_code, field="credit_code") from None
    Contact.objects.create(entity=entity, name=contact_name.strip(), phone=contact_phone.strip(), email=email.strip())
    EntityUser.objects.create(user=user, entity=entity, role=EntityUser.Role.ADMIN, added_at=now)
    audit_record(actor=_audit_actor(actor, entity), action="identity.entity_registered", obj=entity, data={"credit_code": credit_code, "roles": roles, "user": username})
    publish_on_commit("identity.entity_registered", {"credit_code": credit_code})
    return entity, user


@transaction.atomic
def entity_update(*, actor: Actor, entity: MarketEntity, name: str, roles: list[str], legal_representative: str, region_code: str, address: str = "", email: str = "") -> MarketEntity:
    """Edit the details; a new name or legal representative sends a verified entity back to verification."""
    _membership(actor, entity, admin=True)
    problems: list[RuleViolation] = []
    roles = _entity_fields(problems, name=name, roles=roles, legal_representative=legal_representative, region_code=region_code, address=address, email=email)
    raise_all(problems)
    entity = MarketEntity.objects.select_for_update().get(pk=entity.pk)
    identity_changed = entity.name != name.strip() or entity.legal_representative != legal_representative.strip()
    before = {"name": entity.name, "legal_representative": entity.legal_representative, "roles": entity.roles, "status": entity.status}
    entity.name = name.strip()
    entity.legal_representative = legal_representative.strip()
    entity.is_tenderer, entity.is_agency, entity.is_bidder = ("tenderer" in roles, "agency" in roles, "bidder" in roles)
    entity.region_code = region_code
    entity.address = address.strip()
    entity.email = email.strip()
    entity.updated_at = clock.now()
    if identity_changed and entity.status == MarketEntity.Status.VERIFIED:
        entity.status = MarketEntity.Status.PENDING
        entity.status_note = "名称或法定代表人已变更，待重新核验 / name or legal representative changed: to be verified again"
    entity.save()
    audit_record(actor=_audit_actor(actor, entity), action="identity.entity_updated", obj=entity, data={"before": before, "roles": roles, "status": entity.status})
    return entity


@transaction.atomic
def entity_set_status(*, actor: Actor, entity: MarketEntity, status: str, note: str = "") -> MarketEntity:
    """The hub's staff verify, suspend or reinstate an entity (callers check that the actor is hub staff)."""
    if status not in MarketEntity.Status.values:
        raise RuleViolation("E001", detail_zh="状态无效", detail_en="unknown status", field="status")
    entity = MarketEntity.objects.select_for_update().get(pk=entity.pk)
    entity.status = status
    entity.status_note = note[:300]
    entity.updated_at = clock.now()
    if status == MarketEntity.Status.VERIFIED:
        entity.verified_at = entity.updated_at
        entity.verified_by = actor.username[:150]
    entity.save()
    audit_record(actor=actor, action=f"identity.entity_{status}", obj=entity, data={"credit_code": entity.credit_code, "note": note[:300]})
    publish_on_commit("identity.entity_status", {"credit_code": entity.credit_code, "status": status})
    return entity


# --- qualifications, contacts --------------------------------------------------------------


@transaction.atomic
def qualification_add(*, actor: Actor, entity: MarketEntity, name: str, number: str, issuer: str, level: str = "", valid_until: date | None = None) -> Qualification:
    _membership(actor, entity, admin=True)
    problems: list[RuleViolation] = []
    _required(problems, name=name, number=number, issuer=issuer)
    if valid_until is not None and valid_until < clock.now().date():
        problems.append(RuleViolation("E029", detail_zh="资质证书已过期", detail_en="the certificate has expired", field="valid_until"))
    if entity.qualifications.count() >= MAX_QUALIFICATIONS:
        problems.append(RuleViolation("E001", detail_zh=f"最多{MAX_QUALIFICATIONS}项", detail_en=f"at most {MAX_QUALIFICATIONS}"))
    if entity.qualifications.filter(name=name.strip(), number=number.strip()).exists():
        problems.append(RuleViolation("E011", detail_zh=number, detail_en=number, field="number"))
    raise_all(problems)
    q = Qualification.objects.create(entity=entity, name=name.strip(), number=number.strip(), level=level.strip(), issuer=issuer.strip(), valid_until=valid_until, added_at=clock.now())
    audit_record(actor=_audit_actor(actor, entity), action="identity.qualification_added", obj=entity, data={"name": q.name, "number": q.number})
    return q


@transaction.atomic
def qualification_remove(*, actor: Actor, entity: MarketEntity, qualification_id: int) -> None:
    _membership(actor, entity, admin=True)
    q = entity.qualifications.filter(pk=qualification_id).first()
    if q is None:
        raise RuleViolation("E005")
    audit_record(actor=_audit_actor(actor, entity), action="identity.qualification_removed", obj=entity, data={"name": q.name, "number": q.number})
    q.delete()


@transaction.atomic
def contact_add(*, actor: Actor, entity: MarketEntity, name: str, phone: str, email: str = "", title: str = "") -> Contact:
    _membership(actor, entity, admin=True)
    problems: list[RuleViolation] = []
    _required(problems, name=name, phone=phone)
    _phone(problems, phone, "phone")
    _email(problems, email, "email")
    if entity.contacts.count() >= MAX_CONTACTS:
        problems.append(RuleViolation("E001", detail_zh=f"最多{MAX_CONTACTS}名联系人", detail_en=f"at most {MAX_CONTACTS} contacts"))
    raise_all(problems)
    c = Contact.objects.create(entity=entity, name=name.strip(), phone=phone.strip(), email=email.strip(), title=title.strip())
    audit_record(actor=_audit_actor(actor, entity), action="identity.contact_added", obj=entity, data={"contact": c.pk})
    return c


@transaction.atomic
def contact_remove(*, actor: Actor, entity: MarketEntity, contact_id: int) -> None:
    _membership(actor, entity, admin=True)
    c = entity.contacts.filter(pk=contact_id).first()
    if c is None:
        raise RuleViolation("E005")
    if entity.contacts.count() <= 1:
        raise RuleViolation("E007", detail_zh="至少保留一名联系人", detail_en="keep at least one contact")
    audit_record(actor=_audit_actor(actor, entity), action="identity.contact_removed", obj=entity, data={"contact": c.pk})
    c.delete()


# --- certificates ------------------------------------------------------------------------------


@transaction.atomic
def certificate_add(
    *,
    actor: Actor,
    entity: MarketEntity,
    ca_name: str,
    algorithm: str,
    key_text: str,
    serial: str = "",
    valid_from: datetime | None = None,
    valid_until: datetime | None = None,
) -> Certificate:
    """Register a certificate or public key issued by any certification authority (电子办法 44(4)).

    The values read from an X.509 certificate (serial, validity) win over the
    ones typed in; a bare public key needs its validity typed in.
    """
    _membership(actor, entity, admin=True)
    problems: list[RuleViolation] = []
    _required(problems, ca_name=ca_name)
    if algorithm not in Certificate.Algorithm.values:
        problems.append(RuleViolation("E001", detail_zh="请选择算法", detail_en="choose the algorithm", field="algorithm"))
        raise_all(problems)
    try:
        parsed = parse_public_key(algorithm, key_text)
    except KeyProblem as exc:
        raise_all([*problems, RuleViolation("E028", detail_zh=exc.zh, detail_en=exc.en, field="key_text")])
        raise AssertionError("unreachable") from exc
    start = parsed.valid_from or valid_from
    end = parsed.valid_until or valid_until
    now = clock.now()
    if end is None:
        problems.append(RuleViolation("E001", detail_zh="请填写有效期截止时间", detail_en="enter the end of validity", field="valid_until"))
    elif end <= now:
        problems.append(RuleViolation("E029", detail_zh="证书已过期", detail_en="the certificate has expired", field="valid_until"))
    elif start is not None and start >= end:
        problems.append(RuleViolation("E029", detail_zh="起始时间须早于截止时间", detail_en="the start must be before the end", field="valid_from"))
    if entity.certificates.count() >= MAX_CERTIFICATES:
        problems.append(RuleViolation("E001", detail_zh=f"最多{MAX_CERTIFICATES}个证书", detail_en=f"at most {MAX_CERTIFICATES} certificates"))
    if Certificate.objects.filter(fingerprint=parsed.fingerprint).exists():
        problems.append(RuleViolation("E011", detail_zh="该公钥已登记", detail_en="this public key is already registered", field="key_text"))
    raise_all(problems)
    try:
        with transaction.atomic():
            cert = Certificate.objects.create(
                entity=entity,
                ca_name=ca_name.strip()[:100],
                algorithm=parsed.algorithm,
                public_key=parsed.public_key_pem,
                certificate=parsed.certificate_pem,
                fingerprint=parsed.fingerprint,
                serial=(parsed.serial or serial.strip())[:100],
                subject=parsed.subject,
                valid_from=start,
                valid_until=end,
                registered_at=now,
            )
    except IntegrityError:
        raise RuleViolation("E011", detail_zh="该公钥已登记", detail_en="this public key is already registered", field="key_text") from None
    audit_record(actor=_audit_actor(actor, entity), action="identity.certificate_added", obj=entity, data={"fingerprint": cert.fingerprint, "algorithm": cert.algorithm, "ca": cert.ca_name})
    return cert


@transaction.atomic
def certificate_revoke(*, actor: Actor, entity: MarketEntity, certificate_id: int) -> Certificate:
    """Revoked keys stay on record, so that what was signed with them can still be checked."""
    _membership(actor, entity, admin=True)
    cert = entity.certificates.select_for_update().filter(pk=certificate_id).first()
    if cert is None:
        raise RuleViolation("E005")
    if cert.revoked_at is not None:
        raise RuleViolation("E007", detail_zh="证书已撤销", detail_en="already revoked")
    cert.revoked_at = clock.now()
    cert.save(update_fields=["revoked_at"])
    audit_record(actor=_audit_actor(actor, entity), action="identity.certificate_revoked", obj=entity, data={"fingerprint": cert.fingerprint})
    return cert


# --- users ----------------------------------------------------------------------------------------


@transaction.atomic
def entity_user_add(*, actor: Actor, entity: MarketEntity, username: str, password: str, full_name: str, email: str = "", role: str = EntityUser.Role.STAFF) -> EntityUser:
    """An administrator opens an account for a colleague; it signs in on every platform like the first one."""
    _membership(actor, entity, admin=True)
    problems: list[RuleViolation] = []
    _account(problems, username=username, password=password, full_name=full_name)
    _email(problems, email, "email")
    if role not in EntityUser.Role.values:
        problems.append(RuleViolation("E001", detail_zh="角色无效", detail_en="unknown role", field="role"))
    if entity.users.count() >= MAX_USERS:
        problems.append(RuleViolation("E001", detail_zh=f"最多{MAX_USERS}个账号", detail_en=f"at most {MAX_USERS} accounts"))
    raise_all(problems)
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, password=password, email=email, first_name=full_name.strip()[:150])
    except IntegrityError:
        raise RuleViolation("E011", detail_zh=f"用户名 {username}", detail_en=f"user name {username}", field="username") from None
    account = EntityUser.objects.create(user=user, entity=entity, role=role, added_at=clock.now())
    audit_record(actor=_audit_actor(actor, entity), action="identity.user_added", obj=entity, data={"user": username, "role": role})
    return account


# --- OpenID Connect clients (relying parties) -----------------------------------------------------


@transaction.atomic
def oidc_client_register(
    *,
    actor: Actor,
    client_id: str,
    name: str,
    redirect_uris: list[str],
    secret: str,
    post_logout_redirect_uris: list[str] | None = None,
    skip_authorization: bool = True,
) -> Any:
    """Register (or update) a platform as a confidential OIDC client: code flow with PKCE, RS256 ID tokens.

    Platforms registered by the hub's operators are first-party: by default
    their users are not asked for consent (``skip_authorization``).  The secret
    is stored hashed; only the platform keeps it.
    """
    from oauth2_provider.models import get_application_model

    Application = get_application_model()
    problems: list[RuleViolation] = []
    if not re.match(r"^[A-Za-z0-9_.\-]{3,100}$", client_id or ""):
        problems.append(RuleViolation("E001", detail_zh="客户端标识只能使用字母、数字和 . - _", detail_en="client id: letters, digits and . - _", field="client_id"))
    if not redirect_uris or any(not re.match(r"^https?://[^\s#]+$", u) for u in redirect_uris):
        problems.append(RuleViolation("E001", detail_zh="回调地址须为 http(s) 绝对地址", detail_en="redirect URIs must be absolute http(s) addresses", field="redirect_uris"))
    if not secret or len(secret) < 24:
        problems.append(RuleViolation("E001", detail_zh="客户端密钥至少24个字符", detail_en="the client secret needs at least 24 characters", field="secret"))
    raise_all(problems)
    app = Application.objects.filter(client_id=client_id).first()
    created = app is None
    if created:
        app = Application(client_id=client_id)
    app.name = name[:255]
    app.client_type = Application.CLIENT_CONFIDENTIAL
    app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
    app.redirect_uris = " ".join(redirect_uris)
    app.post_logout_redirect_uris = " ".join(post_logout_redirect_uris or [])
    app.algorithm = Application.RS256_ALGORITHM
    app.skip_authorization = skip_authorization
    app.hash_client_secret = True
    app.client_secret = secret
    app.save()
    audit_record(actor=actor, action="identity.oidc_client_registered" if created else "identity.oidc_client_updated", obj=app, data={"client_id": client_id, "redirect_uris": redirect_uris, "skip_authorization": skip_authorization})
    return app

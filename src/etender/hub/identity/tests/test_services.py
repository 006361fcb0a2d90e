"""Registration, editing, qualifications, certificates of different CAs and users: every rule has a coded refusal."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import gmssl_pyx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID

from etender.hub.identity import services
from etender.hub.identity.models import Certificate, EntityUser, MarketEntity
from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.models import AuditEntry
from etender.kernel.errors import RuleViolation, RuleViolations, violations_of

from .conftest import ACTOR, PASSWORD, admin_actor, registration

pytestmark = pytest.mark.django_db


def codes(exc) -> dict[str | None, str]:
    return {v.field: v.code for v in violations_of(exc.value)}


def test_registration_creates_pending_entity_admin_user_contact_and_audit_entry(registered):
    entity, user = registered
    assert entity.status == MarketEntity.Status.PENDING and not entity.verified
    assert entity.roles == ["bidder"]
    account = EntityUser.objects.get(user=user)
    assert account.entity == entity and account.role == "admin" and account.subject
    assert user.check_password(PASSWORD) and user.first_name == "张三"
    assert entity.contacts.get().phone == "0571-87654321"
    entry = AuditEntry.objects.get(action="identity.entity_registered")
    assert entry.entity_code == entity.credit_code and entry.ip == "203.0.113.7"


def test_registration_reports_every_problem_at_once_with_codes(db):
    with pytest.raises(RuleViolations) as exc:
        services.entity_register(actor=ACTOR, **registration(credit_code="91330106MA2000001X", region_code="999999", roles=[], name=" ", contact_phone="abc", password="123"))
    found = codes(exc)
    assert found["credit_code"] == "E002"
    assert found["region_code"] == "E003"
    assert found["roles"] == "E001" and found["name"] == "E001" and found["contact_phone"] == "E001" and found["password"] == "E001"


def test_tenderers_must_give_address_and_email(db):
    with pytest.raises(RuleViolations) as exc:
        services.entity_register(actor=ACTOR, **registration(roles=["tenderer"], address="", email=""))
    assert codes(exc) == {"address": "E001", "email": "E001"}


def test_a_credit_code_and_a_user_name_register_once(registered):
    entity, _ = registered
    with pytest.raises(RuleViolation) as exc:
        services.entity_register(actor=ACTOR, **registration(2, credit_code=entity.credit_code.lower()))
    assert exc.value.code == "E011" and exc.value.field == "credit_code"
    with pytest.raises(RuleViolation) as exc:
        services.entity_register(actor=ACTOR, **registration(2, username="USER1"))
    assert exc.value.code == "E011" and exc.value.field == "username"


def test_only_the_entity_admin_edits_and_a_new_name_needs_verification_again(registered):
    entity, user = registered
    services.entity_set_status(actor=Actor.system("staff"), entity=entity, status="verified")
    colleague = services.entity_user_add(actor=admin_actor(user, entity), entity=entity, username="colleague", password=PASSWORD, full_name="赵六")
    assert colleague.role == "staff"
    with pytest.raises(RuleViolation) as exc:
        services.entity_update(actor=admin_actor(colleague.user, entity), entity=entity, name="x", roles=["bidder"], legal_representative="王建国", region_code="330106")
    assert exc.value.code == "E006"
    same = dict(name=entity.name, legal_representative="王建国", region_code="330106", address="新地址", email="a@example.cn")
    entity = services.entity_update(actor=admin_actor(user, entity), entity=entity, roles=["bidder", "agency"], **same)
    assert entity.status == "verified" and entity.roles == ["agency", "bidder"]
    entity = services.entity_update(actor=admin_actor(user, entity), entity=entity, roles=["bidder"], **{**same, "name": "浙江新名称建设有限公司"})
    assert entity.status == "pending" and entity.status_note


def test_qualifications(registered):
    entity, user = registered
    actor = admin_actor(user, entity)
    q = services.qualification_add(actor=actor, entity=entity, name="建筑工程施工总承包", number="D233000001", issuer="浙江省住房和城乡建设厅", level="一级", valid_until=date(2030, 1, 1))
    with pytest.raises(RuleViolation) as exc:
        services.qualification_add(actor=actor, entity=entity, name="建筑工程施工总承包", number="D233000001", issuer="浙江省住房和城乡建设厅")
    assert exc.value.code == "E011"
    with pytest.raises(RuleViolation) as exc:
        services.qualification_add(actor=actor, entity=entity, name="市政公用工程施工总承包", number="D233000002", issuer="浙江省住房和城乡建设厅", valid_until=clock.now().date() - timedelta(days=1))
    assert exc.value.code == "E029" and exc.value.field == "valid_until"
    services.qualification_remove(actor=actor, entity=entity, qualification_id=q.pk)
    assert not entity.qualifications.exists()


def test_contacts_keep_at_least_one(registered):
    entity, user = registered
    actor = admin_actor(user, entity)
    only = entity.contacts.get()
    with pytest.raises(RuleViolation) as exc:
        services.contact_remove(actor=actor, entity=entity, contact_id=only.pk)
    assert exc.value.code == "E007"
    services.contact_add(actor=actor, entity=entity, name="钱七", phone="13800000000", title="投标负责人")
    services.contact_remove(actor=actor, entity=entity, contact_id=only.pk)
    assert entity.contacts.get().name == "钱七"


def _self_signed(private, public_alg_hash, days: int = 365, cn: str = "浙江测试建设有限公司") -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "ZJCA")])
    now = clock.now()
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key()).serial_number(0x1234ABCD)
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=days)).sign(private, public_alg_hash)
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_certificates_of_different_authorities_and_algorithms(registered):
    entity, user = registered
    actor = admin_actor(user, entity)
    until = clock.now() + timedelta(days=365)
    # RSA, as an X.509 certificate: serial and validity come from it
    rsa_cert = _self_signed(rsa.generate_private_key(public_exponent=65537, key_size=2048), hashes.SHA256())
    c1 = services.certificate_add(actor=actor, entity=entity, ca_name="CFCA", algorithm="RSA", key_text=rsa_cert)
    assert c1.serial == "1234ABCD" and c1.valid_until > clock.now() and "BEGIN CERTIFICATE" in c1.certificate
    # Ed25519, raw base64
    ed = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    c2 = services.certificate_add(actor=actor, entity=entity, ca_name="浙江CA", algorithm="Ed25519", key_text=base64.b64encode(ed).decode(), serial="ZJ-1", valid_until=until)
    # SM2, the 65-byte point (GmSSL) in base64
    public, _private = gmssl_pyx.sm2_key_generate()
    point = public if len(public) == 65 else b"\x04" + public
    c3 = services.certificate_add(actor=actor, entity=entity, ca_name="国家授时数字证书", algorithm="SM2", key_text=base64.b64encode(point).decode(), valid_until=until)
    assert {c.algorithm for c in (c1, c2, c3)} == {"RSA", "Ed25519", "SM2"}
    assert all(c.public_key.startswith("-----BEGIN PUBLIC KEY-----") and len(c.fingerprint) == 64 for c in (c1, c2, c3))
    # the same SM2 key as PEM is the same key: refused as already registered
    with pytest.raises(RuleViolation) as exc:
        services.certificate_add(actor=actor, entity=entity, ca_name="其他CA", algorithm="SM2", key_text=c3.public_key, valid_until=until)
    assert exc.value.code == "E011"
    # revoked keys stay on record
    services.certificate_revoke(actor=actor, entity=entity, certificate_id=c2.pk)
    assert Certificate.objects.get(pk=c2.pk).revoked_at is not None
    with pytest.raises(RuleViolation) as exc:
        services.certificate_revoke(actor=actor, entity=entity, certificate_id=c2.pk)
    assert exc.value.code == "E007"


@pytest.mark.parametrize(
    "algorithm,key,expected_field",
    [
        ("RSA", "not a key", "key_text"),
        ("SM2", "BAAAAA==", "key_text"),
        ("RSA", "ED25519", "key_text"),  # wrong algorithm for the key
        ("Ed25519", "PRIVATE", "key_text"),  # a private key is refused
        ("RSA", "RSA1024", "key_text"),  # too short
    ],
)
def test_bad_keys_are_refused_with_e028(registered, algorithm, key, expected_field):
    entity, user = registered
    if key == "ED25519":
        key = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    elif key == "PRIVATE":
        key = ed25519.Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    elif key == "RSA1024":
        key = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(RuleViolation) as exc:
        services.certificate_add(actor=admin_actor(user, entity), entity=entity, ca_name="CFCA", algorithm=algorithm, key_text=key, valid_until=clock.now() + timedelta(days=30))
    assert exc.value.code == "E028" and exc.value.field == expected_field


def test_expired_or_inconsistent_validity_is_e029_and_other_algorithms_e028(registered):
    entity, user = registered
    actor = admin_actor(user, entity)
    p256_cert = _self_signed(ec.generate_private_key(ec.SECP256R1()), hashes.SHA256())
    key = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    with pytest.raises(RuleViolation) as exc:
        services.certificate_add(actor=actor, entity=entity, ca_name="CFCA", algorithm="Ed25519", key_text=key, valid_until=clock.now() - timedelta(days=1))
    assert exc.value.code == "E029"
    with pytest.raises(RuleViolation) as exc:
        services.certificate_add(actor=actor, entity=entity, ca_name="CFCA", algorithm="Ed25519", key_text=key, valid_from=clock.now() + timedelta(days=40), valid_until=clock.now() + timedelta(days=30))
    assert exc.value.code == "E029" and exc.value.field == "valid_from"
    with pytest.raises(RuleViolation) as exc:
        services.certificate_add(actor=actor, entity=entity, ca_name="CFCA", algorithm="Ed25519", key_text=key)
    assert exc.value.code == "E001" and exc.value.field == "valid_until"
    # an EC P-256 certificate: not one of the accepted algorithms
    with pytest.raises(RuleViolation) as exc:
        services.certificate_add(actor=actor, entity=entity, ca_name="CFCA", algorithm="RSA", key_text=p256_cert)
    assert exc.value.code == "E028"


def test_users_added_by_the_admin_only(registered):
    entity, user = registered
    account = services.entity_user_add(actor=admin_actor(user, entity), entity=entity, username="colleague", password=PASSWORD, full_name="赵六", role="admin")
    assert account.role == "admin" and account.subject != EntityUser.objects.get(user=user).subject
    with pytest.raises(RuleViolations) as exc:
        services.entity_user_add(actor=admin_actor(user, entity), entity=entity, username="colleague", password="1", full_name="")
    assert codes(exc) == {"username": "E011", "password": "E001", "full_name": "E001"}
    with pytest.raises(RuleViolation) as exc:
        services.entity_user_add(actor=Actor(user_id=None, username="anonymous"), entity=entity, username="x2y", password=PASSWORD, full_name="x")
    assert exc.value.code == "E006"


def test_oidc_client_registration_checks_its_input(db):
    with pytest.raises(RuleViolations) as exc:
        services.oidc_client_register(actor=ACTOR, client_id="a b", name="x", redirect_uris=["javascript:alert(1)"], secret="short")
    assert codes(exc) == {"client_id": "E001", "redirect_uris": "E001", "secret": "E001"}
    app = services.oidc_client_register(actor=ACTOR, client_id="trading-a", name="之江", redirect_uris=["https://a.example/sso/callback/"], secret="s" * 32)
    assert app.skip_authorization and app.algorithm == "RS256" and app.client_secret != "s" * 32  # stored hashed
    again = services.oidc_client_register(actor=ACTOR, client_id="trading-a", name="之江", redirect_uris=["https://b.example/sso/callback/"], secret="t" * 32, skip_authorization=False)
    assert again.pk == app.pk and again.redirect_uris == "https://b.example/sso/callback/" and not again.skip_authorization

"""Entity look-up for the platforms: ``/api/identity/v1/entities``.

Public: name, credit code, roles, region, verification, legal representative,
address, qualifications and certificates (public keys with their issuers).
Contacts (personal information, 个人信息保护法 6) only to an authenticated
platform — HTTP Basic with the platform's OIDC client id and secret — or to the
hub's staff (session or API token).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from datetime import date, datetime

from django.contrib.auth.hashers import check_password
from ninja import Query, Router, Schema
from ninja.security import HttpBasicAuth

from etender.kernel.codes import CodeError, normalize_uscc, validate_uscc
from etender.kernel.errors import RuleViolation
from etender.kernel.web.api import AUTH_OPTIONAL, ErrorOut

from . import selectors

router = Router(tags=["identity"])

_verified: dict[tuple[str, str], float] = {}
_lock = threading.Lock()
CACHE_SECONDS = 300


class PlatformClientAuth(HttpBasicAuth):
    """A registered platform, by its OIDC client credentials (checked once per 5 minutes: the hash is slow on purpose)."""

    def authenticate(self, request, username: str, password: str):
        from oauth2_provider.models import get_application_model

        if not username or not password or len(password) > 512:
            return None
        key = (username, hashlib.sha256(password.encode()).hexdigest())
        now = time.monotonic()
        with _lock:
            if _verified.get(key, 0) > now:
                return {"client_id": username}
        app = get_application_model().objects.filter(client_id=username).first()
        if app is None:
            return None
        ok = check_password(password, app.client_secret) if app.hash_client_secret else hmac.compare_digest(password, app.client_secret)
        if not ok:
            return None
        with _lock:
            _verified[key] = now + CACHE_SECONDS
        return {"client_id": username}


AUTH = [PlatformClientAuth(), *AUTH_OPTIONAL]


class QualificationOut(Schema):
    name: str
    number: str
    level: str
    issuer: str
    valid_until: date | None


class CertificateOut(Schema):
    ca_name: str
    algorithm: str
    public_key: str
    certificate: str
    fingerprint: str
    serial: str
    subject: str
    valid_from: datetime | None
    valid_until: datetime
    revoked_at: datetime | None


class ContactOut(Schema):
    name: str
    title: str
    phone: str
    email: str


class EntitySummaryOut(Schema):
    credit_code: str
    name: str
    roles: list[str]
    region_code: str
    region_name: str
    status: str
    verified: bool


class EntityOut(EntitySummaryOut):
    legal_representative: str
    address: str
    registered_at: datetime
    verified_at: datetime | None
    qualifications: list[QualificationOut]
    certificates: list[CertificateOut]
    contacts: list[ContactOut] | None = None
    email: str | None = None


class SearchOut(Schema):
    count: int
    results: list[EntitySummaryOut]


def _privileged(request) -> bool:
    if isinstance(request.auth, dict) and request.auth.get("client_id"):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


@router.get("/identity/v1/entities/{uscc}", response={200: EntityOut, 404: ErrorOut, 422: ErrorOut}, auth=AUTH, summary="Look up a market entity by its credit code")
def entity_get(request, uscc: str):
    """One registered entity; contacts only for platforms (HTTP Basic with the OIDC client credentials) and hub staff."""
    code = normalize_uscc(uscc[:40])
    try:
        validate_uscc(code)
    except CodeError as exc:
        raise RuleViolation("E002", detail_zh=exc.message_zh, detail_en=exc.message_en, field="uscc") from None
    entity = selectors.entity_by_code(code)
    if entity is None:
        raise RuleViolation("E005", detail_zh=code, detail_en=code)
    return selectors.entity_public(entity, with_contacts=_privileged(request))


class SearchIn(Schema):
    name: str
    limit: int = 20


@router.get("/identity/v1/entities", response={200: SearchOut, 422: ErrorOut}, auth=AUTH, summary="Search market entities by name prefix")
def entity_search(request, q: Query[SearchIn]):
    prefix = q.name.strip()
    if not 1 <= len(prefix) <= 200 or "\x00" in prefix:
        raise RuleViolation("E001", detail_zh="名称前缀1至200个字符", detail_en="name prefix: 1–200 characters", field="name")
    if not 1 <= q.limit <= selectors.SEARCH_MAX:
        raise RuleViolation("E001", detail_zh=f"limit 须在1至{selectors.SEARCH_MAX}之间", detail_en=f"limit must be 1–{selectors.SEARCH_MAX}", field="limit")
    results = [selectors.entity_summary(e) for e in selectors.entity_search(name_prefix=prefix, limit=q.limit)]
    return {"count": len(results), "results": results}

"""Reads of the entity registry, including what the platforms may see (public vs. contacts)."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from etender.kernel.codes import region_full_name

from .models import Certificate, EntityUser, MarketEntity

SEARCH_MAX = 50


def account_of(user) -> EntityUser | None:
    """The hub account (entity membership) of a signed-in user, or None (hub staff, anonymous)."""
    if user is None or not user.is_authenticated:
        return None
    return EntityUser.objects.select_related("entity").filter(user=user).first()


def entity_by_code(credit_code: str) -> MarketEntity | None:
    return (
        MarketEntity.objects.filter(credit_code=credit_code)
        .prefetch_related("qualifications", "contacts", Prefetch("certificates", queryset=Certificate.objects.order_by("-registered_at", "-id")))
        .first()
    )


def entity_search(*, name_prefix: str, limit: int = 20) -> QuerySet[MarketEntity]:
    """Entities whose name starts with ``name_prefix`` (at least one character), verified first."""
    limit = max(1, min(limit, SEARCH_MAX))
    return MarketEntity.objects.filter(name__startswith=name_prefix.strip()).order_by("name", "credit_code")[:limit]


def entity_summary(entity: MarketEntity) -> dict[str, Any]:
    return {
        "credit_code": entity.credit_code,
        "name": entity.name,
        "roles": entity.roles,
        "region_code": entity.region_code,
        "region_name": region_full_name(entity.region_code) or "",
        "status": entity.status,
        "verified": entity.verified,
    }


def entity_public(entity: MarketEntity, *, with_contacts: bool = False) -> dict[str, Any]:
    """What anyone may read about an entity; contacts (personal information) only for platforms and hub staff."""
    out = entity_summary(entity)
    out.update(
        {
            "legal_representative": entity.legal_representative,
            "address": entity.address,
            "registered_at": entity.registered_at,
            "verified_at": entity.verified_at,
            "qualifications": [
                {"name": q.name, "number": q.number, "level": q.level, "issuer": q.issuer, "valid_until": q.valid_until} for q in entity.qualifications.all()
            ],
            "certificates": [
                {
                    "ca_name": c.ca_name,
                    "algorithm": c.algorithm,
                    "public_key": c.public_key,
                    "certificate": c.certificate,
                    "fingerprint": c.fingerprint,
                    "serial": c.serial,
                    "subject": c.subject,
                    "valid_from": c.valid_from,
                    "valid_until": c.valid_until,
                    "revoked_at": c.revoked_at,
                }
                for c in entity.certificates.all()
            ],
            "contacts": None,
        }
    )
    if with_contacts:
        out["email"] = entity.email
        out["contacts"] = [{"name": c.name, "title": c.title, "phone": c.phone, "email": c.email} for c in entity.contacts.all()]
    return out


def subject_of(user) -> str:
    """The stable OpenID Connect subject of a hub account (a random UUID, never reused)."""
    account = account_of(user)
    return str(account.subject) if account else f"staff-{user.pk}"


def entity_claims(user) -> dict[str, Any] | None:
    """The ``entity`` claim of the ID token: who the user acts for, and whether the hub has verified it.

    Platforms are authenticated relying parties, so the claim carries the first
    contact too: a platform that creates its local record of the entity needs it.
    """
    account = account_of(user)
    if account is None:
        return None
    e = account.entity
    contact = e.contacts.order_by("id").first()
    return {
        "uscc": e.credit_code,
        "name": e.name,
        "roles": e.roles,
        "verified": e.verified,
        "status": e.status,
        "region_code": e.region_code,
        "legal_representative": e.legal_representative,
        "address": e.address,
        "email": e.email,
        "contact": {"name": contact.name, "phone": contact.phone, "email": contact.email} if contact else None,
        "user_role": account.role,
    }

from __future__ import annotations

from django.db.models import QuerySet

from .models import BidderKey, Entity


def entity_of(user) -> Entity | None:
    membership = getattr(user, "membership", None) if user is not None and user.is_authenticated else None
    return membership.entity if membership else None


def entity_current_key(entity: Entity, suite: str | None = None) -> BidderKey | None:
    """The entity's newest key, of the key-file suite ``suite`` ("intl-v1", "gm-v1") if given."""
    qs = entity.keys.filter(revoked_at__isnull=True)
    if suite:
        qs = qs.filter(suite=suite)
    return qs.order_by("-registered_at", "-id").first()


def entity_list(*, role: str | None = None) -> QuerySet[Entity]:
    qs = Entity.objects.all()
    if role in ("tenderer", "agency", "bidder"):
        qs = qs.filter(**{f"is_{role}": True})
    return qs.order_by("name")


def operator_codes() -> set[str]:
    """Credit codes of the platform operator and the entities it controls (E119)."""
    ops = set(Entity.objects.filter(is_platform_operator=True).values_list("credit_code", flat=True))
    if not ops:
        return set()
    controlled = set(Entity.objects.filter(controller_code__in=ops).values_list("credit_code", flat=True))
    return ops | controlled

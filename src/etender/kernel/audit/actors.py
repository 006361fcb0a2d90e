"""Who is acting: passed explicitly into every service function."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """The person (or system job) behind an operation and where it came from.

    电子办法 49 requires the time, network address and person of every
    operation; services receive an Actor and record it.
    """

    user_id: int | None
    username: str
    ip: str | None = None
    entity_code: str | None = None

    @classmethod
    def system(cls, name: str = "chronograph") -> Actor:
        return cls(user_id=None, username=f"system:{name}", ip=None)

    @classmethod
    def from_request(cls, request) -> Actor:
        user = request.user
        entity = getattr(getattr(user, "membership", None), "entity", None)
        return cls(
            user_id=user.pk if user.is_authenticated else None,
            username=user.get_username() if user.is_authenticated else "anonymous",
            ip=getattr(request, "client_ip", None) or request.META.get("REMOTE_ADDR"),
            entity_code=getattr(entity, "credit_code", None),
        )

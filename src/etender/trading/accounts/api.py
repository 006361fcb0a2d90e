from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.kernel.signing import platform_signer
from etender.kernel.web.api import AUTH, ErrorOut

from . import services
from .selectors import entity_current_key, entity_of

router = Router(tags=["entities"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class EntityIn(Schema):
    credit_code: str = Field(max_length=40, description="统一社会信用代码 (GB 32100)")
    name: str = Field(max_length=200)
    roles: list[str] = Field(description="tenderer, agency, bidder", max_length=3)
    legal_representative: str = Field(max_length=50)
    legal_rep_id_number: str = Field("", max_length=30)
    controller_code: str = Field("", max_length=40)
    region_code: str = Field(max_length=6)
    address: str = Field("", max_length=300)
    contact_name: str = Field(max_length=50)
    contact_phone: str = Field(max_length=30)
    email: str = Field("", max_length=254)
    username: str = Field(max_length=150)
    password: str = Field(max_length=128)


class EntityOut(Schema):
    id: int
    credit_code: str
    name: str
    roles: list[str]
    region_code: str
    key_id: str | None = None


def entity_out(entity) -> dict[str, Any]:
    key = entity_current_key(entity)
    return {"id": entity.pk, "credit_code": entity.credit_code, "name": entity.name, "roles": entity.roles, "region_code": entity.region_code, "key_id": key.key_id if key else None}


def require_entity(request: HttpRequest):
    entity = entity_of(request.user)
    if entity is None:
        raise RuleViolation("E006", detail_zh="平台工作人员不能代替市场主体操作", detail_en="only market entities' users can do this")
    return entity


@router.post("/entities", response={201: EntityOut, **ERRORS}, auth=None, summary="Register a market entity (free)")
def register(request, payload: EntityIn):
    entity = services.entity_register(actor=Actor.from_request(request), **payload.dict())
    return 201, entity_out(entity)


@router.get("/entities/me", response={200: EntityOut, **ERRORS}, auth=AUTH)
def me(request):
    return entity_out(require_entity(request))


class KeyIn(Schema):
    key: dict[str, Any] = Field(description="the public key file written by `etender bid keygen`")


class KeyOut(Schema):
    key_id: str
    suite: str


@router.post("/entities/me/keys", response={201: KeyOut, **ERRORS}, auth=AUTH, summary="Register the bidder's sealing public key")
def register_key(request, payload: KeyIn):
    key = services.bidder_key_register(actor=Actor.from_request(request), entity=require_entity(request), key_json=payload.key)
    return 201, {"key_id": key.key_id, "suite": key.suite}


class PlatformKeyOut(Schema):
    alg: str
    key_id: str
    public_key: str


@router.get("/platform/keys", response=PlatformKeyOut, auth=None, summary="The key that signs receipts and opening records")
def platform_keys(request):
    return platform_signer().public_info()

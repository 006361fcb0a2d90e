"""The API conventions every service shares: auth, error bodies, health."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.renderers import JSONRenderer
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from etender.kernel.errors import RuleViolation, RuleViolations


class ErrorOut(Schema):
    code: str
    message: str
    message_zh: str
    message_en: str
    field: str | None = None
    params: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []


def _user_for_key(key: str):
    from .models import ApiToken

    token = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(key), revoked=False).first()
    if token and token.user.is_active:
        return token.user
    return None


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str):
        user = _user_for_key(token)
        if user is not None:
            request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None):
        user = _user_for_key(key) if key else None
        if user is not None:
            request.user = user
        return user


AUTH = [TokenAuth(), TokenHeaderAuth(), django_auth]


def anonymous(request: HttpRequest):
    """Last in AUTH_OPTIONAL: lets the request through unauthenticated."""
    return True


# Public endpoints that show more to a signed-in caller (e.g. a tenderer's own drafts).
AUTH_OPTIONAL = [TokenAuth(), TokenHeaderAuth(), django_auth, anonymous]


def error_body(exc: RuleViolation | RuleViolations) -> dict[str, Any]:
    violations = exc.violations if isinstance(exc, RuleViolations) else [exc]
    first = violations[0].as_dict()
    first["errors"] = [v.as_dict() for v in violations]
    return first


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON without \\u escapes, so Chinese stays readable."""

    json_dumps_params = {"ensure_ascii": False}


def make_api(*, title: str, description: str, version: str = "1.0") -> NinjaAPI:
    api = NinjaAPI(title=title, description=description, version=version, urls_namespace="api", docs_url="/docs", renderer=ChineseJSONRenderer())
    from etender.kernel.audit.api import log_router

    api.add_router("/", log_router())

    def respond(request, exc: RuleViolation | RuleViolations):
        return api.create_response(request, error_body(exc), status=exc.status)

    @api.exception_handler(RuleViolation)
    def on_violation(request, exc):
        return respond(request, exc)

    @api.exception_handler(RuleViolations)
    def on_violations(request, exc):
        return respond(request, exc)

    @api.exception_handler(NinjaValidationError)
    def on_validation(request, exc):
        violations = []
        for err in exc.errors:
            loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "form", "payload")]
            msg = err.get("msg", "")
            violations.append(RuleViolation("E001", detail_zh=f"{'.'.join(loc)}: {msg}", detail_en=f"{'.'.join(loc)}: {msg}", field=".".join(loc) or None))
        return respond(request, RuleViolations(violations) if len(violations) != 1 else violations[0])

    @api.exception_handler(AuthenticationError)
    def on_auth(request, exc):
        return respond(request, RuleViolation("E008"))

    @api.exception_handler(PermissionDenied)
    def on_denied(request, exc):
        return respond(request, RuleViolation("E006"))

    @api.exception_handler(Http404)
    def on_404(request, exc):
        return respond(request, RuleViolation("E005"))

    @api.exception_handler(ObjectDoesNotExist)
    def on_missing(request, exc):
        return respond(request, RuleViolation("E005"))

    @api.exception_handler(HttpError)
    def on_http(request, exc: HttpError):
        code = {401: "E008", 403: "E006", 404: "E005", 409: "E007", 413: "E004"}.get(exc.status_code, "E001")
        v = RuleViolation(code, detail_zh=str(exc), detail_en=str(exc))
        return api.create_response(request, error_body(v), status=exc.status_code)

    return api

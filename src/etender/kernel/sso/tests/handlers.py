"""A service hook for the relying-party tests: a plain local user per subject (the services have their own)."""

from django.contrib.auth import get_user_model

from etender.kernel.errors import RuleViolation


def plain_user(*, request, claims, issuer):
    if not claims.get("entity"):
        raise RuleViolation("E026")
    user, _ = get_user_model().objects.get_or_create(username=f"sso-{claims['sub'][:30]}", defaults={"first_name": claims.get("name", "")})
    return user

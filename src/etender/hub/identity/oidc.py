"""The claims of the hub's ID tokens and userinfo (django-oauth-toolkit validator).

``sub`` is the account's random UUID (stable, never reused, reveals nothing);
``name`` and ``preferred_username`` come with the ``profile`` scope, ``email``
with ``email``, and the ``entity`` claim with the ``entity`` scope::

    "entity": {"uscc": "91330…", "name": "…", "roles": ["bidder"], "verified": false,
               "status": "pending", "region_code": "330106", "legal_representative": "…",
               "address": "…", "email": "…", "contact": {"name": "…", "phone": "…", "email": "…"},
               "user_role": "admin"}

Users linked to an evaluation expert of the hub's pool also get, with ``profile``, the claim
``"etender_expert": {"ref": "EXP-…", "name": "…"}`` (docs/experts.md).
"""

from __future__ import annotations

from oauth2_provider.oauth2_validators import OAuth2Validator

from etender.hub.experts.selectors import expert_claims

from .selectors import entity_claims, subject_of


class Validator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "entity": "entity", "etender_expert": "profile"}

    def get_additional_claims(self):  # the request-agnostic form: the claims are listed in the discovery document
        return {
            "name": lambda r: r.user.get_full_name() or r.user.get_username(),
            "preferred_username": lambda r: r.user.get_username(),
            "email": lambda r: r.user.email,
            "entity": lambda r: entity_claims(r.user),
            "etender_expert": lambda r: expert_claims(r.user),
        }

    def get_claim_dict(self, request):
        claims = super().get_claim_dict(request)
        claims["sub"] = lambda r: subject_of(r.user)
        return claims

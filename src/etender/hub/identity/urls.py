"""Registry pages and the OpenID Connect provider (under /o/, DOT's endpoints in the ``oauth2_provider`` namespace)."""

from django.urls import include, path
from oauth2_provider import urls as dot_urls
from oauth2_provider import views as dot_views

from . import views

# Only what the platforms use: the code flow (with PKCE), discovery (OIDC and RFC 8414), JWKS, userinfo,
# revocation and RP-initiated logout.  Not mounted: DOT's self-service application pages, device flow, dynamic client
# registration (clients are registered by the hub's operators: `manage hub oidc_client`).
oidc_patterns = [
    path("authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("token/", dot_views.TokenView.as_view(), name="token"),
    path("revoke_token/", dot_views.RevokeTokenView.as_view(), name="revoke-token"),
    *dot_urls.oidc_urlpatterns,
    # RFC 8414 metadata: also fixes the RFC 9207 ``iss`` of authorisation responses to the issuer, /o
    path(".well-known/oauth-authorization-server", dot_views.OAuthServerMetadataView.as_view(), name="oauth-server-metadata"),
]

urlpatterns = [
    path("identity/register/", views.register, name="identity_register"),
    path("identity/login/", views.SignInView.as_view(), name="identity_login"),
    path("identity/entity/", views.entity, name="identity_entity"),
    path("identity/entity/<str:kind>/<int:pk>/remove/", views.entity_remove, name="identity_entity_remove"),
    path("o/", include((oidc_patterns, "oauth2_provider"))),
]

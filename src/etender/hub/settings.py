"""Settings of the hub service; see etender.kernel.settings for the environment variables.

``ETENDER_OIDC_ISSUER``                 the OpenID Connect issuer, e.g. ``https://ggzy.example.gov.cn/o``
                                        (default: derived from each request's host; set it in production)
``ETENDER_OIDC_RSA_INACTIVE_KEYS_FILE`` retired ID-token keys still published in the JWKS (see docs/identity.md)
"""

import os

from etender.kernel.settings import build

globals().update(
    build(
        service="hub",
        package="etender.hub",
        apps=["etender.hub.portal", "etender.hub.exchange", "etender.hub.identity", "etender.hub.witness", "etender.hub.opendata", "etender.hub.experts", "etender.hub.directives"],
        title="招标投标公共服务平台",
    )
)

# The hub as OpenID Connect provider for the trading and supervision platforms (docs/identity.md).
from etender.hub.identity.keys import inactive_keys, rsa_private_key_pem  # noqa: E402

INSTALLED_APPS.append("oauth2_provider")  # noqa: F821
LOGIN_URL = "identity_login"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": rsa_private_key_pem(ETENDER_VAR_DIR, ETENDER_INSTANCE),  # noqa: F821
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": inactive_keys(os.environ.get("ETENDER_OIDC_RSA_INACTIVE_KEYS_FILE")),
    "OIDC_ISS_ENDPOINT": os.environ.get("ETENDER_OIDC_ISSUER", "").rstrip("/"),
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "PKCE_REQUIRED": True,
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "姓名和用户名 / your name and user name",
        "email": "电子邮箱 / your e-mail address",
        "entity": "所属市场主体（统一社会信用代码、名称、角色、核验状态） / your market entity (credit code, name, roles, verification)",
    },
    "DEFAULT_SCOPES": ["openid"],
    "OAUTH2_VALIDATOR_CLASS": "etender.hub.identity.oidc.Validator",
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
    "ID_TOKEN_EXPIRE_SECONDS": 600,
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
}

# Upward interconnection (电子办法 45): this hub's operator code, and the upper-level hub its feed is forwarded to.
ETENDER_HUB_CODE = os.environ.get("ETENDER_HUB_CODE", "12330000MB0000000E")
ETENDER_UPPER_HUB_URL = os.environ.get("ETENDER_UPPER_HUB_URL", "")

"""Settings of a trading platform; see etender.kernel.settings for the shared environment variables.

``ETENDER_PLATFORM_CODE``  统一社会信用代码 of the operator, used in 统一交易标识码 (default: a demo code)
``ETENDER_PLATFORM_NAME``  the platform's display name
"""

import os

from etender.kernel.settings import build

globals().update(
    build(
        service="trading",
        package="etender.trading",
        apps=["etender.trading.accounts", "etender.trading.tenders", "etender.trading.bids", "etender.trading.outbox", "etender.trading.evaluation", "etender.trading.award", "etender.trading.directives", "etender.kernel.sso"],
        title=os.environ.get("ETENDER_PLATFORM_NAME", "电子招标投标交易平台"),
    )
)

ETENDER_PLATFORM_CODE = os.environ.get("ETENDER_PLATFORM_CODE", "91330100MA2AAAAA0B")
ETENDER_HUB_URL = os.environ.get("ETENDER_HUB_URL", "")  # the public service platform; empty: no exchange
ETENDER_PUBLIC_URL = os.environ.get("ETENDER_PUBLIC_URL", "")  # this platform's own address, for record links
ETENDER_CODE_BLOCK = int(os.environ.get("ETENDER_CODE_BLOCK", "0") or 0)  # 1–9: this platform's block of project serials (hub-assigned)
ETENDER_TRADE_SYSTEM_NO = os.environ.get("ETENDER_TRADE_SYSTEM_NO", "")  # 交易系统编号 (data set 501), assigned at certification
ETENDER_PROCEDURES = ["etender.trading.procedures.open_tender"]
TEMPLATES[0]["OPTIONS"]["context_processors"].append("etender.trading.tenders.context.unread")  # noqa: F821
TEMPLATES[0]["OPTIONS"]["context_processors"].append("etender.kernel.sso.context.sso")  # noqa: F821
ETENDER_SSO_USER_HANDLER = "etender.trading.accounts.services.user_from_sso"  # sign-in with the hub account (docs/identity.md)
ETENDER_SSO_BASE_TEMPLATE = "trading/base.html"
ETENDER_SSO_LANDING = "entity"

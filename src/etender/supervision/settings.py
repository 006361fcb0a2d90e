"""Settings of the supervision service; see etender.kernel.settings for the environment variables."""

from etender.kernel.settings import build

globals().update(
    build(
        service="supervision",
        package="etender.supervision",
        apps=["etender.supervision.duties", "etender.supervision.people", "etender.supervision.monitor", "etender.supervision.complaints", "etender.supervision.directives", "etender.kernel.sso"],
        title="招标投标行政监督平台",
    )
)

TEMPLATES[0]["OPTIONS"]["context_processors"].append("etender.kernel.sso.context.sso")  # noqa: F821
ETENDER_SSO_USER_HANDLER = "etender.supervision.people.services.user_from_sso"  # sign-in with the hub account (docs/identity.md)
ETENDER_SSO_BASE_TEMPLATE = "duties/base.html"
ETENDER_SSO_LANDING = "people_me"
import os  # noqa: E402

ETENDER_HUB_URL = os.environ.get("ETENDER_HUB_URL", "")  # the public service platform whose change feed monitoring reads (monitor app)
ETENDER_PLATFORM_CODE = os.environ.get("ETENDER_PLATFORM_CODE", "")  # this platform's credit code as registered at the hub (kind supervision)

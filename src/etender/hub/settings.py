"""Settings of the hub service; see etender.kernel.settings for the environment variables."""

from etender.kernel.settings import build

globals().update(
    build(
        service="hub",
        package="etender.hub",
        apps=["etender.hub.portal", "etender.hub.exchange", "etender.hub.identity", "etender.hub.witness", "etender.hub.opendata"],
        title="招标投标公共服务平台",
    )
)

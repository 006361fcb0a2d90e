"""Settings of the supervision service; see etender.kernel.settings for the environment variables."""

from etender.kernel.settings import build

globals().update(
    build(
        service="supervision",
        package="etender.supervision",
        apps=["etender.supervision.duties"],
        title="招标投标行政监督平台",
    )
)

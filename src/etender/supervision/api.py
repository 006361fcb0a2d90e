"""The supervision platform's HTTP API (OpenAPI at /api/openapi.json, docs at /api/docs)."""

from etender.kernel.web.api import make_api

from .complaints.api import router as complaints_router
from .directives.api import router as directives_router
from .duties.api import router as duties_router
from .monitor.api import router as monitor_router

api = make_api(
    title="etender supervision platform API",
    description=(
        "招标投标行政监督平台接口：公开各行政监督部门的监督依据、职责权限、监督环节、程序和时限、信息交换要求和联系方式（电子招标投标办法第四十七条）。"
        " Supervision platform API: the published duties of each supervising department (art. 47). Errors carry the codes of docs/errors.md."
    ),
)
api.add_router("/", duties_router)
api.add_router("/", monitor_router)
api.add_router("/", complaints_router)
api.add_router("/", directives_router)

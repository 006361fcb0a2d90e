"""The public service platform's HTTP API (OpenAPI at /api/openapi.json, docs at /api/docs)."""

from etender.kernel.web.api import make_api

from .directives.api import router as directives_router
from .exchange.api import router as exchange_router
from .experts.api import router as experts_router
from .identity.api import router as identity_router
from .opendata.api import router as opendata_router
from .portal.api import router as portal_router
from .witness.api import router as witness_router

api = make_api(
    title="etender public service platform API",
    description=(
        "招标投标公共服务平台接口：交易平台之间的信息交换和资源共享（电子招标投标办法第四十三条至第四十五条）。"
        " Public service platform API: information exchange and resource sharing among trading platforms. Errors carry the codes of docs/errors.md."
    ),
)
api.add_router("/", portal_router)
api.add_router("/", exchange_router)
api.add_router("/", identity_router)
api.add_router("/", witness_router)
api.add_router("/", opendata_router)
api.add_router("/", experts_router)
api.add_router("/", directives_router)

"""The trading platform's HTTP API (OpenAPI at /api/openapi.json)."""

from etender.kernel.web.api import make_api

from .accounts.api import router as accounts_router
from .award.api import router as award_router
from .bids.api import router as bids_router
from .directives.api import router as directives_router
from .evaluation.api import router as evaluation_router
from .tenders.api import router as tenders_router

api = make_api(
    title="etender trading platform API",
    description="电子招标投标交易平台接口：主体注册、招标项目、招标文件、澄清、异议、加密投标、开标。Errors carry the codes of docs/errors.md.",
)
api.add_router("/", accounts_router)
api.add_router("/", tenders_router)
api.add_router("/", bids_router)
api.add_router("/", evaluation_router)
api.add_router("/", award_router)
api.add_router("/", directives_router)

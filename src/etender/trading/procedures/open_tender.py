"""公开招标 — open tendering (招标投标法 10): any registered bidder may take part."""

from __future__ import annotations

from .base import Procedure, register


class OpenTender(Procedure):
    key = "open"
    tender_mode = "1"
    name_zh = "公开招标"
    name_en = "Open tendering"


register(OpenTender())

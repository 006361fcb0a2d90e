"""Procedure types are plugins.

A procedure (公开招标, 邀请招标, 资格预审 …) is a :class:`Procedure`
subclass registered under a key.  The core services ask the tender's
procedure which publication rules apply, who may bid, and how many bids
an opening needs; they never branch on the procedure's name.

Plugins are listed in the setting ``ETENDER_PROCEDURES`` (module paths);
each module calls :func:`register` at import.  Adding a procedure means
adding a module and a settings entry — the core does not change.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, ClassVar

from etender.kernel.calendar import ChinaCalendar
from etender.kernel.errors import RuleViolation

from . import rules

if TYPE_CHECKING:
    from etender.trading.accounts.models import Entity
    from etender.trading.tenders.models import Tender

DEFAULT_PROCEDURES = ["etender.trading.procedures.open_tender"]


class Procedure:
    key: ClassVar[str]
    tender_mode: ClassVar[str]  # national code table dom1000: 1 公开招标, 2 邀请招标
    name_zh: ClassVar[str]
    name_en: ClassVar[str]
    min_bids_to_open: ClassVar[int] = 3  # 招标投标法 28, 条例 44

    def publication_checks(self, plan: rules.TenderPlan, cal: ChinaCalendar) -> list[RuleViolation]:
        """All violations that forbid publishing this plan."""
        return [
            *rules.check_required_times(plan),
            *rules.check_bid_period(plan, cal),
            *rules.check_doc_period(plan, cal),
            *rules.check_preq_period(plan, cal),
            *rules.check_bid_validity(plan),
            *rules.check_security(plan),
            *rules.check_price_limits(plan),
            *rules.check_download_preconditions(plan),
            *rules.check_opening_time(plan),
            *rules.scan_restrictive(plan.texts),
        ]

    def may_bid(self, tender: Tender, entity: Entity) -> RuleViolation | None:
        """Whether ``entity`` may take part at all; ``None`` means yes."""
        return None

    def name(self, lang: str) -> str:
        return self.name_en if lang.startswith("en") else self.name_zh


_registry: dict[str, Procedure] = {}


def register(procedure: Procedure) -> Procedure:
    _registry[procedure.key] = procedure
    return procedure


def get(key: str) -> Procedure:
    if not _registry:
        load()
    try:
        return _registry[key]
    except KeyError:
        raise RuleViolation("E001", detail_zh=f"未知的招标方式 {key}", detail_en=f"unknown procedure {key}", field="procedure") from None


def available() -> list[Procedure]:
    if not _registry:
        load()
    return list(_registry.values())


def load() -> None:
    from django.conf import settings

    for module in getattr(settings, "ETENDER_PROCEDURES", DEFAULT_PROCEDURES):
        importlib.import_module(module)

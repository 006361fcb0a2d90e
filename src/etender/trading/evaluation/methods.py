"""Evaluation methods as plugins (评标办法): a registry, not if-branches.

A method turns the valid bids and the members' signed score sheets into a
ranking.  ``register`` adds one (also from outside the package); the setting
``ETENDER_EVALUATION_METHODS`` may list dotted paths of further modules to
import.  Two ship with etender:

- ``comprehensive`` 综合评估法: price score from a benchmark price
  (mean of valid prices × coefficient, optionally without the highest and
  lowest price), score = full − k × |deviation %| (k above and below the
  benchmark configurable, never below 0); plus each member's technical and
  commercial scores within their maxima, averaged per bid after dropping the
  highest and lowest member total where configured.
- ``lowest_price`` 经评审的最低投标价法: among the bids a majority of members
  find substantively responsive, the lowest evaluated price ranks first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import import_module
from typing import Any

from etender.kernel.errors import RuleViolation

TWO = Decimal("0.01")


@dataclass(frozen=True)
class BidInfo:
    bid_id: int
    bidder: str
    price: Decimal


@dataclass
class Ranked:
    bid_id: int
    price: Decimal
    score: Decimal | None
    summary: str
    parts: dict[str, str] = field(default_factory=dict)


def dec(value: Any, name: str, *, lo: Decimal | None = None, hi: Decimal | None = None) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise RuleViolation("E001", detail_zh=f"{name} 须为数字", detail_en=f"{name} must be a number", field=name) from None
    if not d.is_finite() or (lo is not None and d < lo) or (hi is not None and d > hi):
        raise RuleViolation("E001", detail_zh=f"{name} 超出范围", detail_en=f"{name} is out of range", field=name)
    return d


class Method:
    key = ""
    name_zh = ""
    name_en = ""
    #: what each member enters per bid: field -> config key of its maximum (None: a yes/no judgement)
    sheet_fields: dict[str, str | None] = {}

    def default_config(self) -> dict[str, Any]:
        return {"candidates": 3, "low_price_threshold": "15"}

    def clean_config(self, config: dict[str, Any] | None) -> dict[str, Any]:
        cfg = {**self.default_config(), **(config or {})}
        try:
            n = int(cfg["candidates"])
        except (TypeError, ValueError):
            raise RuleViolation("E001", detail_zh="候选人数须为整数", detail_en="the number of candidates must be an integer", field="candidates") from None
        if n > 3:
            raise RuleViolation("E140", detail_zh=f"评标委员会推荐的中标候选人应当限定在1至3人（设置为{n}）", detail_en=f"the committee recommends 1 to 3 candidates ({n} configured)", field="candidates")
        if n < 1:
            raise RuleViolation("E001", detail_zh="候选人数至少为1", detail_en="at least one candidate", field="candidates")
        cfg["candidates"] = n
        cfg["low_price_threshold"] = str(dec(cfg["low_price_threshold"], "low_price_threshold", lo=Decimal(0), hi=Decimal(90)))
        return cfg

    def benchmark(self, prices: list[Decimal], config: dict[str, Any]) -> Decimal | None:
        """The reference price for the abnormally-low check (and the price score where the method has one)."""
        if not prices:
            return None
        return (sum(prices) / len(prices)).quantize(TWO, ROUND_HALF_UP)

    def abnormally_low(self, price: Decimal, benchmark: Decimal | None, config: dict[str, Any]) -> bool:
        if benchmark is None:
            return False
        return price < benchmark * (1 - Decimal(config["low_price_threshold"]) / 100)

    def check_entry(self, entry: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def rank(self, *, bids: list[BidInfo], sheets: list[dict[str, dict[str, Any]]], config: dict[str, Any]) -> list[Ranked]:
        raise NotImplementedError


METHODS: dict[str, Method] = {}


def register(method: Method) -> Method:
    METHODS[method.key] = method
    return method


def get(key: str) -> Method:
    _load_configured()
    try:
        return METHODS[key]
    except KeyError:
        raise RuleViolation("E001", detail_zh=f"未知的评标办法 {key}", detail_en=f"unknown evaluation method {key}", field="method") from None


def _load_configured() -> None:
    from django.conf import settings

    for dotted in getattr(settings, "ETENDER_EVALUATION_METHODS", ()):
        import_module(dotted)


def choices() -> list[tuple[str, str, str]]:
    _load_configured()
    return [(m.key, m.name_zh, m.name_en) for m in METHODS.values()]


class Comprehensive(Method):
    key = "comprehensive"
    name_zh = "综合评估法"
    name_en = "Comprehensive evaluation"
    sheet_fields = {"technical": "technical_max", "commercial": "commercial_max"}

    def default_config(self) -> dict[str, Any]:
        return {
            **super().default_config(),
            "price_full": "40",
            "technical_max": "40",
            "commercial_max": "20",
            "coefficient": "1.00",
            "benchmark_drop_extremes": False,
            "k_above": "1.0",
            "k_below": "0.5",
            "drop_extremes": True,
        }

    def clean_config(self, config):
        cfg = super().clean_config(config)
        for name in ("price_full", "technical_max", "commercial_max"):
            cfg[name] = str(dec(cfg[name], name, lo=Decimal(0), hi=Decimal(100)))
        total = sum(Decimal(cfg[n]) for n in ("price_full", "technical_max", "commercial_max"))
        if total != 100:
            raise RuleViolation("E001", detail_zh=f"价格分、技术分、商务分合计须为100（现为{total}）", detail_en=f"price, technical and commercial maxima must add up to 100 (now {total})", field="price_full")
        cfg["coefficient"] = str(dec(cfg["coefficient"], "coefficient", lo=Decimal("0.5"), hi=Decimal("1.5")))
        for name in ("k_above", "k_below"):
            cfg[name] = str(dec(cfg[name], name, lo=Decimal(0), hi=Decimal(10)))
        cfg["drop_extremes"] = bool(cfg["drop_extremes"])
        cfg["benchmark_drop_extremes"] = bool(cfg["benchmark_drop_extremes"])
        return cfg

    def benchmark(self, prices, config):
        prices = sorted(prices)
        if config.get("benchmark_drop_extremes") and len(prices) >= 5:
            prices = prices[1:-1]
        if not prices:
            return None
        return (sum(prices) / len(prices) * Decimal(config["coefficient"])).quantize(TWO, ROUND_HALF_UP)

    def price_score(self, price: Decimal, benchmark: Decimal, config) -> Decimal:
        deviation = (price - benchmark) / benchmark * 100
        k = Decimal(config["k_above"] if deviation > 0 else config["k_below"])
        return max(Decimal(0), Decimal(config["price_full"]) - k * abs(deviation)).quantize(TWO, ROUND_HALF_UP)

    def check_entry(self, entry, config):
        out = {}
        for name, max_key in self.sheet_fields.items():
            if entry.get(name) in (None, ""):
                raise RuleViolation("E001", detail_zh=f"未填写{ {'technical': '技术分', 'commercial': '商务分'}[name] }", detail_en=f"{name} score missing", field=name)
            try:
                value = Decimal(str(entry[name]))
            except (InvalidOperation, ValueError):
                raise RuleViolation("E072", detail_zh=f"{name}", detail_en=f"{name} is not a number", field=name) from None
            hi = Decimal(config[max_key])
            if not value.is_finite() or value < 0 or value > hi or value != value.quantize(Decimal("0.1")):
                raise RuleViolation("E072", detail_zh=f"{'技术分' if name == 'technical' else '商务分'}须在0至{hi}之间（一位小数）", detail_en=f"the {name} score must be between 0 and {hi} (one decimal)", field=name)
            out[name] = str(value)
        out["comment"] = str(entry.get("comment") or "")[:2000]
        return out

    def rank(self, *, bids, sheets, config):
        bench = self.benchmark([b.price for b in bids], config)
        ranked = []
        for b in bids:
            totals = sorted(Decimal(s[str(b.bid_id)]["technical"]) + Decimal(s[str(b.bid_id)]["commercial"]) for s in sheets if str(b.bid_id) in s)
            used = totals[1:-1] if config.get("drop_extremes") and len(totals) >= 5 else totals
            members = (sum(used) / len(used)).quantize(TWO, ROUND_HALF_UP) if used else Decimal(0)
            price_score = self.price_score(b.price, bench, config) if bench else Decimal(0)
            score = price_score + members
            ranked.append(Ranked(b.bid_id, b.price, score, f"价格分{price_score}；技术商务平均分{members}（{len(used)}/{len(totals)}名评委）", {"price_score": str(price_score), "member_score": str(members), "benchmark": str(bench)}))
        ranked.sort(key=lambda r: (-r.score, r.price, r.bid_id))
        return ranked


class LowestPrice(Method):
    key = "lowest_price"
    name_zh = "经评审的最低投标价法"
    name_en = "Lowest evaluated price"
    sheet_fields = {"responsive": None}

    def check_entry(self, entry, config):
        value = entry.get("responsive")
        if isinstance(value, str):
            value = value in ("1", "true", "yes", "on")
        if not isinstance(value, bool):
            raise RuleViolation("E001", detail_zh="须判断是否实质性响应", detail_en="say whether the bid is substantively responsive", field="responsive")
        return {"responsive": value, "comment": str(entry.get("comment") or "")[:2000]}

    def rank(self, *, bids, sheets, config):
        ranked = []
        for b in bids:
            votes = [s[str(b.bid_id)]["responsive"] for s in sheets if str(b.bid_id) in s]
            yes = sum(1 for v in votes if v)
            if yes * 2 > len(votes):
                ranked.append(Ranked(b.bid_id, b.price, None, f"实质性响应（{yes}/{len(votes)}名评委）；评审价{b.price}元", {"responsive_votes": f"{yes}/{len(votes)}"}))
        ranked.sort(key=lambda r: (r.price, r.bid_id))
        return ranked


register(Comprehensive())
register(LowestPrice())

"""Checks every write service of a tender's later steps runs first."""

from __future__ import annotations

from etender.kernel.errors import RuleViolation


def ensure_not_suspended(tender) -> None:
    """Refuse any step while a supervisory instruction suspends the tender (电子办法 52: E050)."""
    if tender.suspended_at is not None:
        raise RuleViolation(
            "E050",
            detail_zh=f"指令 {tender.suspension_ref}" if tender.suspension_ref else "",
            detail_en=f"instruction {tender.suspension_ref}" if tender.suspension_ref else "",
        )

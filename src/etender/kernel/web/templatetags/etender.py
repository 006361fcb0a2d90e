from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

from etender.kernel.errors import violations_of

register = template.Library()


@register.filter
def local(dt, fmt: str = "%Y-%m-%d %H:%M"):
    """Format an aware datetime in Asia/Shanghai."""
    if not dt:
        return ""
    return timezone.localtime(dt).strftime(fmt)


@register.filter
def violations(exc):
    return violations_of(exc) if exc else []


@register.filter
def money(value):
    """12000000 -> 12,000,000.00 (yuan)."""
    if value in (None, ""):
        return "—"
    try:
        return f"{Decimal(str(value)):,.2f}"
    except (InvalidOperation, ValueError):
        return value

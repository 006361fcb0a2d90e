"""Template helpers of the portal: highlighted search words, summaries, labels."""

from __future__ import annotations

import re
import unicodedata

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .. import disclosure

register = template.Library()

SNIPPET = 120


def _pattern(tokens) -> re.Pattern[str] | None:
    words = sorted({t for t in tokens or () if t}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def _fold(text: str) -> str:
    """NFKC keeps the length of CJK and ASCII text; where it would not, the original is searched as is."""
    folded = unicodedata.normalize("NFKC", text)
    return folded if len(folded) == len(text) else text


def _marked(text: str, pattern: re.Pattern[str] | None) -> str:
    if pattern is None:
        return escape(text)
    out, pos = [], 0
    for m in pattern.finditer(_fold(text)):
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(text[m.start() : m.end()])}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return "".join(out)


@register.filter
def highlight(text, tokens):
    """``text`` escaped, with the query words marked."""
    return mark_safe(_marked(str(text or ""), _pattern(tokens)))


@register.filter
def snippet(entry, tokens):
    """A short passage of the entry's main text around the first query word, marked."""
    kind = disclosure.BY_SLUG.get(entry.kind)
    text = ""
    if kind and kind.summary_field:
        text = str(entry.data.get(kind.summary_field) or "")
    if not text:
        return ""
    text = " ".join(text.split())
    pattern = _pattern(tokens)
    start = 0
    if pattern is not None:
        m = pattern.search(_fold(text))
        if m:
            start = max(0, m.start() - SNIPPET // 3)
    piece = text[start : start + SNIPPET]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + SNIPPET < len(text) else ""
    return mark_safe(prefix + _marked(piece, pattern) + suffix)


@register.filter
def kind_label(slug):
    kind = disclosure.BY_SLUG.get(slug)
    return kind.label if kind else slug


@register.filter
def region_name(code):
    return disclosure.region_name(code)


@register.filter
def industry_name(code):
    return disclosure.industry_name(code, get_language() or "zh-hans")


@register.filter
def category_name(code):
    return disclosure.category_name(code, get_language() or "zh-hans")


@register.simple_tag
def page_url(params, page):
    """The URL query of ``params`` on another page."""
    from django.utils.http import urlencode

    return "?" + urlencode(params.as_query(page=page if page != 1 else ""))

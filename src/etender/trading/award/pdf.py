"""PDF of the notices, the publicity, the contract and the written report (reportlab).

The documents are rendered deterministically (reportlab's invariant mode: no creation time, fixed
document id), so a stored PDF's SHA-256 is reproducible from its content and can be signed and
archived.  Chinese text uses the WenQuanYi Micro Hei TrueType font (Debian ``fonts-wqy-microhei``),
embedded as a subset; without it, the Adobe CID font STSong-Light (not embedded) is used.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from functools import cache
from xml.sax.saxutils import escape

FONT_PATHS = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc")


@cache
def font_name() -> str:
    from reportlab.pdfbase import pdfmetrics

    for path in FONT_PATHS:
        if os.path.exists(path):
            from reportlab.pdfbase.ttfonts import TTFont

            pdfmetrics.registerFont(TTFont("WQYMicroHei", path, subfontIndex=0))
            return "WQYMicroHei"
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


@dataclass
class Document:
    title: str
    subtitle: str = ""
    paragraphs: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)  # first row: header
    after: list[str] = field(default_factory=list)
    footer: str = ""


def render(doc: Document) -> bytes:
    from reportlab import rl_config
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    rl_config.invariant = 1
    name = font_name()
    body = ParagraphStyle("body", fontName=name, fontSize=10.5, leading=16, wordWrap="CJK")
    small = ParagraphStyle("small", parent=body, fontSize=8.5, leading=12)
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=1, spaceAfter=4 * mm)
    sub = ParagraphStyle("sub", parent=body, alignment=1, textColor=colors.grey)
    out = io.BytesIO()
    template = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm, bottomMargin=20 * mm, title=doc.title, author="etender", subject=doc.subtitle, creator="etender", producer="etender")
    story: list = [Paragraph(escape(doc.title), title)]
    if doc.subtitle:
        story += [Paragraph(escape(doc.subtitle), sub), Spacer(1, 5 * mm)]
    for p in doc.paragraphs:
        story.append(Paragraph(_lines(p), body))
        story.append(Spacer(1, 2 * mm))
    if doc.table:
        rows = [[Paragraph(_lines(c), small) for c in row] for row in doc.table]
        t = Table(rows, repeatRows=1, hAlign="LEFT")
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story += [Spacer(1, 2 * mm), t, Spacer(1, 3 * mm)]
    for p in doc.after:
        story.append(Paragraph(_lines(p), body))
        story.append(Spacer(1, 2 * mm))

    def footer(canvas, _doc):
        canvas.saveState()
        canvas.setFont(name, 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(20 * mm, 10 * mm, (doc.footer or doc.title)[:150])
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"{canvas.getPageNumber()}")
        canvas.restoreState()

    template.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def page_count(data: bytes) -> int:
    """Pages of a PDF written by :func:`render` (counts the page objects; reportlab writes them uncompressed)."""
    import re

    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def _lines(text: str) -> str:
    return "<br/>".join(escape(line) for line in str(text).split("\n"))

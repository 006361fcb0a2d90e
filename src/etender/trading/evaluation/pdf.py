"""The evaluation report as PDF (reportlab, CID font STSong-Light: no font file needed, Chinese in every viewer)."""

from __future__ import annotations

import io

from etender.kernel.calendar import TZ


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def report_pdf(report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    font = _font()
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK")
    h1 = ParagraphStyle("h1", parent=body, fontSize=18, leading=26, alignment=1, spaceAfter=8)
    h2 = ParagraphStyle("h2", parent=body, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4)
    small = ParagraphStyle("small", parent=body, fontSize=8, leading=11, textColor=colors.grey)
    doc = report.content
    out = io.BytesIO()
    pdf = SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm, title=doc.get("title", "评标报告"), author="etender")

    def p(text: str, style=body) -> Paragraph:
        return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)

    def table(rows: list[list[str]], widths: list[float]) -> Table:
        t = Table([[p(c) for c in r] for r in rows], colWidths=[w * mm for w in widths], repeatRows=1)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2f7")), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t

    story = [p(doc.get("title", "评标报告"), h1)]
    story.append(table([["项目", "内容"], ["招标项目", f"{doc['tender_name']}（{doc['tender_code']}）"], ["标段（包）", f"{doc['lot_name']}（{doc['lot_code']}）"], ["评标办法", doc["method_name"]], ["评标时间", f"{doc.get('started_at', '')} 至 {doc.get('ended_at', '')}"], ["评标地点", doc.get("place", "")], ["基准价", doc.get("benchmark") or "—"]], [40, 130]))
    story.append(p("一、评标委员会", h2))
    story.append(table([["序号", "成员", "类别", "专业", "组长"]] + [[str(i), m["name"], m["kind_zh"], m.get("specialty") or "—", "是" if m["is_chair"] else ""] for i, m in enumerate(doc["members"], 1)], [14, 50, 36, 40, 30]))
    story.append(p("二、开标及评审情况", h2))
    story.append(table([["投标人", "投标报价（元）", "评审结论"]] + [[b["bidder"], b["price"], b["conclusion"]] for b in doc["bids"]], [70, 40, 60]))
    if doc.get("clarifications"):
        story.append(p("三、澄清、说明情况", h2))
        for c in doc["clarifications"]:
            story.append(p(f"{c['bidder']}：{c['question']}\n答复：{c['answer'] or '（未答复）'}"))
    story.append(p("四、评审结果", h2))
    if doc.get("failed"):
        story.append(p("评标委员会否决全部投标，不推荐中标候选人。" + (doc.get("few_bids_reason") or "")))
    else:
        story.append(table([["排名", "中标候选人", "投标报价（元）", "得分", "说明"]] + [[str(c["rank"]), c["bidder"], c["price"], c.get("score") or "—", c["summary"]] for c in doc["candidates"]], [14, 50, 32, 18, 56]))
    if doc.get("few_bids_decision"):
        story.append(p(f"有效投标不足3个：评标委员会决定{ {'continue': '继续评标', 'reject_all': '否决全部投标'}.get(doc['few_bids_decision'], '') }。理由：{doc.get('few_bids_reason', '')}"))
    story.append(p("五、签字及不同意见", h2))
    sigs = report.signatures.select_related("seat").order_by("seat__position")
    story.append(table([["成员", "意见", "签署时间", "签名（Ed25519，平台证明）"]] + [[s.seat.name, "同意" if s.agrees else f"不同意：{s.dissent}", s.signed_at.astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S"), s.signature[:44] + "…"] for s in sigs], [30, 50, 36, 54]))
    story.append(Spacer(1, 6 * mm))
    story.append(p(f"报告内容 SHA-256：{report.content_sha256}", small))
    if report.submitted_at:
        story.append(p(f"提交时间：{report.submitted_at.astimezone(TZ).strftime('%Y-%m-%d %H:%M:%S')}；平台签名：{report.platform_signature}", small))
    pdf.build(story)
    return out.getvalue()

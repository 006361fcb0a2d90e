"""Web pages of the evaluation: the committee (tenderer), the evaluation room (members), clarifications (bidders).

Views parse the form, call one service and show coded errors; every rule is in ``services``/``selectors``.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.audit.services import audit_record
from etender.kernel.calendar import TZ
from etender.kernel.errors import RuleViolation, RuleViolations, violations_of
from etender.trading.accounts.selectors import entity_of
from etender.trading.bids.models import Bid
from etender.trading.tenders.models import Lot

from . import methods, selectors, services
from .models import BidClarification, Committee, CommitteeStatus, Seat


def _errors(request, exc) -> None:
    for v in violations_of(exc):
        messages.error(request, f"{v.code} {v.text()}")


def _run(request, fn, ok: str = "", **kwargs):
    try:
        result = fn(**kwargs)
    except (RuleViolation, RuleViolations) as exc:
        _errors(request, exc)
        return None
    if isinstance(result, list):  # warnings (W134 …)
        for w in result:
            messages.warning(request, f"{w.code} {w.text()}")
    if ok:
        messages.success(request, ok)
    return result if result is not None else True


def _parse_start(value: str):
    try:
        dt = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=TZ)


@login_required
def committee_page(request, lot_id: int):
    """The tenderer sets the committee, requests and executes the draw, follows confirmations, replaces members."""
    lot = get_object_or_404(Lot.objects.select_related("tender"), pk=lot_id)
    entity = entity_of(request.user)
    actor = Actor.from_request(request)
    committee = selectors.committee_for_lot(lot)
    manager = selectors.is_manager(committee, entity) if committee else (entity is not None and entity.pk in (lot.tender.tenderer_id, lot.tender.agency_id))
    if committee is None and not manager:
        raise RuleViolation("E006", detail_zh="仅招标人或其代理机构可组建评标委员会", detail_en="only the tenderer or its agency forms the committee")
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "create" and committee is None:
            specs = []
            for code, count in zip(request.POST.getlist("specialty_code"), request.POST.getlist("specialty_count")):
                if code.strip():
                    specs.append({"code": code.strip(), "count": count})
            method = request.POST.get("method", "comprehensive")
            config = {}
            for key in methods.get(method).default_config() if method in dict((k, 1) for k, _zh, _en in methods.choices()) else {}:
                if request.POST.get(f"cfg_{key}") not in (None, ""):
                    config[key] = request.POST.get(f"cfg_{key}") if key not in ("drop_extremes", "benchmark_drop_extremes") else request.POST.get(f"cfg_{key}") == "on"
            for key in ("drop_extremes", "benchmark_drop_extremes"):
                if method == "comprehensive":
                    config[key] = request.POST.get(f"cfg_{key}") == "on"
            try:
                duration = int(request.POST.get("duration_hours", "0"))
            except ValueError:
                duration = 0
            _run(request, services.committee_create, _("The committee's composition is set."), actor=actor, entity=entity, lot=lot, specialties=specs, representatives=[u for u in request.POST.getlist("representatives") if u], evaluation_start=_parse_start(request.POST.get("evaluation_start", "")), evaluation_place=request.POST.get("evaluation_place", ""), duration_hours=duration, method=method, method_config=config, draw_mode=request.POST.get("draw_mode", "random"), special_reason=request.POST.get("special_reason", ""))
        elif committee is not None:
            seat = Seat.objects.filter(committee=committee, pk=request.POST.get("seat") or 0).first()
            if action == "draw":
                _run(request, services.draw_request, _("The hub has committed to its draw seed."), actor=actor, entity=entity, committee=committee)
            elif action == "execute":
                _run(request, services.draw_execute, _("The experts were drawn and notified."), actor=actor, entity=entity, committee=committee)
            elif action == "refresh":
                _run(request, services.draw_refresh, _("Confirmations updated."), actor=actor, committee=committee)
            elif action == "appoint":
                experts = [{"username": u.strip(), "specialty": s.strip()} for u, s in zip(request.POST.getlist("expert_username"), request.POST.getlist("expert_specialty")) if u.strip()]
                _run(request, services.seats_appoint, _("The experts were appointed."), actor=actor, entity=entity, committee=committee, experts=experts)
            elif action == "replace" and seat:
                _run(request, services.seat_replace, _("The member was replaced; their conclusions are void."), actor=actor, entity=entity, committee=committee, seat=seat, reason=request.POST.get("reason", ""), new_username=request.POST.get("new_username", ""))
            elif action == "chair" and seat:
                _run(request, services.chair_set, _("The chair is set."), actor=actor, user=request.user, entity=entity, committee=committee, seat=seat)
            elif action == "begin":
                _run(request, services.evaluation_begin, _("The evaluation has started."), actor=actor, user=request.user, entity=entity, committee=committee)
            elif action == "rate" and seat:
                try:
                    score = int(request.POST.get("score", ""))
                except ValueError:
                    score = -1
                _run(request, services.expert_rate, _("The rating was sent to the public service platform."), actor=actor, entity=entity, committee=committee, seat=seat, score=score, comment=request.POST.get("comment", ""))
        return redirect("evaluation_committee", lot_id=lot.pk)
    members = []
    if committee is not None:
        try:
            members = selectors.committee_members(committee, actor=actor, user=request.user, entity=entity)
        except RuleViolation:
            raise
    from etender.trading.accounts.models import Membership

    staff = Membership.objects.filter(entity_id__in=[lot.tender.tenderer_id] + ([lot.tender.agency_id] if lot.tender.agency_id else [])).select_related("user") if manager else []
    return render(request, "evaluation/committee.html", {
        "lot": lot, "tender": lot.tender, "committee": committee, "manager": manager, "members": members, "staff": staff,
        "methods": methods.choices(), "defaults": methods.get("comprehensive").default_config(),
        "warnings": services.warnings(committee) if committee else [], "readiness": services.readiness(committee) if committee and committee.status == CommitteeStatus.DRAWN else [],
        "report": getattr(committee, "report", None) if committee else None, "now": clock.now(),
        "start_default": clock.now().astimezone(TZ).replace(second=0, microsecond=0).strftime("%Y-%m-%dT%H:%M"),
    })


@login_required
def my_evaluations(request):
    """The lots the signed-in member sits on (experts: by the hub reference linked to the account)."""
    seats = list(selectors.seats_of_user(request.user))
    return render(request, "evaluation/mine.html", {"seats": seats, "link": selectors.expert_link_of(request.user)})


def _scores_from_post(request, committee: Committee, bids) -> dict:
    scores = {}
    for b in bids:
        if committee.method == "lowest_price":
            value = request.POST.get(f"responsive_{b.pk}")
            if value in ("yes", "no"):
                scores[str(b.pk)] = {"responsive": value == "yes", "comment": request.POST.get(f"comment_{b.pk}", "")}
        else:
            t, c = request.POST.get(f"technical_{b.pk}", "").strip(), request.POST.get(f"commercial_{b.pk}", "").strip()
            if t or c:
                scores[str(b.pk)] = {"technical": t, "commercial": c, "comment": request.POST.get(f"comment_{b.pk}", "")}
    return scores


@login_required
def room(request, committee_id: int):
    """The evaluation room: confidential, every action logged; members only."""
    committee = get_object_or_404(Committee.objects.select_related("lot__tender"), pk=committee_id)
    actor = Actor.from_request(request)
    user = request.user
    link = selectors.expert_link_of(user)
    seat = selectors.seat_of(committee, user)
    if seat is None:
        pending = link and committee.seats.filter(expert_ref=link.expert_ref, status=Seat.Status.NOTIFIED).first()
        if not pending:
            if link and committee.seats.filter(expert_ref=link.expert_ref, status=Seat.Status.REPLACED).exists():
                raise RuleViolation("E135", detail_zh="您已被更换，不能再参加本次评标", detail_en="you were replaced and no longer take part")
            raise RuleViolation("E006", detail_zh="仅评标委员会成员可进入评标室", detail_en="only committee members enter the evaluation room")
    if request.method == "POST":
        action = request.POST.get("action", "")
        bid = Bid.objects.filter(lot=committee.lot, pk=request.POST.get("bid") or 0).first()
        if action in ("confirm", "decline"):
            _run(request, services.seat_confirm, _("Thank you: your answer was recorded."), actor=actor, user=user, committee=committee, confirmed=action == "confirm", reason=request.POST.get("reason", ""))
        elif action == "check_in":
            _run(request, services.seat_check_in, _("You are checked in."), actor=actor, user=user, committee=committee)
        elif action == "chair":
            target = Seat.objects.filter(committee=committee, pk=request.POST.get("seat") or 0).first()
            if target:
                _run(request, services.chair_set, _("The chair is set."), actor=actor, user=user, entity=entity_of(user), committee=committee, seat=target)
        elif action == "begin":
            _run(request, services.evaluation_begin, _("The evaluation has started."), actor=actor, user=user, entity=entity_of(user), committee=committee)
        elif action == "reject" and bid:
            try:
                item = int(request.POST.get("item", ""))
            except ValueError:
                item = None
            _run(request, services.bid_reject, _("The bid was rejected."), actor=actor, user=user, committee=committee, bid=bid, item=item, reason=request.POST.get("reason", ""))
        elif action == "ask" and bid:
            _run(request, services.clarification_ask, _("The clarification request was sent to the bidder."), actor=actor, user=user, committee=committee, bid=bid, question=request.POST.get("question", ""))
        elif action in ("low_accept", "low_reject") and bid:
            _run(request, services.low_price_decide, _("The committee's finding is recorded."), actor=actor, user=user, committee=committee, bid=bid, accepted=action == "low_accept", reason=request.POST.get("reason", ""))
        elif action == "few_bids":
            _run(request, services.few_bids_decide, _("The committee's decision is recorded."), actor=actor, user=user, committee=committee, decision=request.POST.get("decision", ""), reason=request.POST.get("reason", ""))
        elif action in ("time_short", "time_ok"):
            _run(request, services.time_insufficient_set, _("Your opinion on the time is recorded."), actor=actor, user=user, committee=committee, insufficient=action == "time_short")
        elif action in ("save", "sign"):
            ok = _run(request, services.sheet_save, _("Your scores are saved.") if action == "save" else "", actor=actor, user=user, committee=committee, scores=_scores_from_post(request, committee, selectors.valid_bids(committee)))
            if ok and action == "sign":
                _run(request, services.sheet_sign, _("Your score sheet is signed."), actor=actor, user=user, committee=committee)
        elif action == "prepare":
            _run(request, services.report_prepare, _("The report is compiled; every member now signs it."), actor=actor, user=user, committee=committee)
        elif action == "sign_report":
            _run(request, services.report_sign, _("You signed the report."), actor=actor, user=user, committee=committee, agrees=request.POST.get("agrees") != "no", dissent=request.POST.get("dissent", ""))
        elif action == "submit":
            _run(request, services.report_submit, _("The evaluation report was submitted."), actor=actor, user=user, entity=entity_of(user), committee=committee)
        return redirect("evaluation_room", committee_id=committee.pk)
    audit_record(actor=actor, action="evaluation.room_viewed", obj=committee, data={"seat": seat.pseudonym if seat else None})
    committee.refresh_from_db()
    seat = selectors.seat_of(committee, user) or (link and committee.seats.filter(expert_ref=link.expert_ref).exclude(status=Seat.Status.REPLACED).first())
    bids = selectors.opened_bids(committee.lot) if committee.status in (CommitteeStatus.EVALUATING, CommitteeStatus.REPORTED) else []
    reviews = selectors.reviews(committee)
    sheet = selectors.sheet_of(seat) if seat else None
    visible = selectors.sheets_visible(committee, seat) if seat else []
    method = methods.get(committee.method)
    rows = []
    bench = selectors.benchmark(committee) if bids else None
    for b in bids:
        r = reviews.get(b.pk)
        entry = (sheet.scores.get(str(b.pk)) if sheet else None) or {}
        others = [(s.seat.pseudonym, s.scores.get(str(b.pk))) for s in visible if s.seat_id != seat.pk]
        rows.append({"bid": b, "review": r, "entry": entry, "others": others, "clarifications": [c for c in committee.clarifications.all() if c.bid_id == b.pk], "price_score": method.price_score(b.price, bench, committee.method_config) if committee.method == "comprehensive" and bench and not (r and r.rejected) else None})
    report = getattr(committee, "report", None)
    signed = set(report.signatures.values_list("seat_id", flat=True)) if report else set()
    return render(request, "evaluation/room.html", {
        "committee": committee, "lot": committee.lot, "tender": committee.lot.tender, "seat": seat, "sheet": sheet, "rows": rows,
        "members": selectors.committee_members(committee, actor=actor, user=user, entity=entity_of(user), include_replaced=False),
        "warnings": services.warnings(committee), "readiness": services.readiness(committee) if committee.status == CommitteeStatus.DRAWN else [],
        "method": method, "config": committee.method_config, "benchmark": bench, "items": services.REJECTION_ITEMS.items(),
        "valid_count": len(selectors.valid_bids(committee)), "report": report, "signed": signed, "i_signed_report": seat.pk in signed if seat else False,
        "now": clock.now(),
    })


@login_required
def bid_files(request, committee_id: int, bid_id: int):
    """The opened bid's files (the package decrypted at the opening), for members only; each download is logged."""
    committee = get_object_or_404(Committee.objects.select_related("lot"), pk=committee_id)
    seat = selectors.require_member(committee, request.user)
    bid = get_object_or_404(Bid, pk=bid_id, lot=committee.lot)
    if committee.status not in (CommitteeStatus.EVALUATING, CommitteeStatus.REPORTED):
        raise RuleViolation("E007", detail_zh="评标开始后方可查阅投标文件", detail_en="bids are read once the evaluation has started")
    path = selectors.bid_package_path(bid)
    if not default_storage.exists(path):
        raise RuleViolation("E005")
    audit_record(actor=Actor.from_request(request), action="evaluation.bid_files_read", obj=committee, data={"seat": seat.pseudonym, "bid": bid.pk})
    return FileResponse(default_storage.open(path, "rb"), as_attachment=True, filename=f"{bid.bidder.credit_code}.zip")


@login_required
def report_page(request, committee_id: int):
    committee = get_object_or_404(Committee.objects.select_related("lot__tender"), pk=committee_id)
    mode = selectors.names_visible(committee, user=request.user, entity=entity_of(request.user))
    report = getattr(committee, "report", None)
    if report is None:
        raise RuleViolation("E005")
    audit_record(actor=Actor.from_request(request), action="evaluation.report_viewed", obj=committee, data={"mode": mode})
    return render(request, "evaluation/report.html", {"committee": committee, "lot": committee.lot, "tender": committee.lot.tender, "report": report, "doc": report.content, "mode": mode, "signatures": report.signatures.select_related("seat").order_by("seat__position")})


@login_required
def report_pdf(request, committee_id: int):
    committee = get_object_or_404(Committee.objects.select_related("lot__tender"), pk=committee_id)
    mode = selectors.names_visible(committee, user=request.user, entity=entity_of(request.user))
    report = getattr(committee, "report", None)
    if report is None or mode != "names":
        raise RuleViolation("E005" if report is None else "E133")
    audit_record(actor=Actor.from_request(request), action="evaluation.report_downloaded", obj=committee, data={})
    resp = HttpResponse(selectors.report_pdf(report), content_type="application/pdf")
    resp["Content-Disposition"] = f'attachment; filename="evaluation-report-{committee.lot.code}.pdf"'
    return resp


@login_required
def clarifications(request):
    """The bidder's clarification requests and written answers (条例 52; E138)."""
    entity = entity_of(request.user)
    if request.method == "POST" and entity is not None:
        clar = get_object_or_404(BidClarification, pk=request.POST.get("clarification") or 0)
        price = request.POST.get("new_price", "").strip()
        try:
            new_price = Decimal(price) if price else None
        except InvalidOperation:
            new_price = Decimal("-1")
        _run(request, services.clarification_answer, _("Your written answer was sent to the committee."), actor=Actor.from_request(request), entity=entity, clarification=clar, answer=request.POST.get("answer", ""), new_price=new_price, files=request.FILES.getlist("files"))
        return redirect("evaluation_clarifications")
    items = list(selectors.clarifications_for_bidder(entity)) if entity else []
    return render(request, "evaluation/clarifications.html", {"items": items, "now": clock.now()})

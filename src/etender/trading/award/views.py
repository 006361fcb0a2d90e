"""Pages of the award stage: thin — parse the form, call the service, show coded errors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation, RuleViolations, violations_of
from etender.trading.accounts.selectors import entity_of
from etender.trading.tenders.models import Lot, Tender

from . import selectors, services
from .models import ArchiveItem, Award, Contract, Objection, PassReason, Refund


def _post_only(view):
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return login_required(wrapped)


def _flash(request, exc) -> None:
    for v in violations_of(exc):
        messages.error(request, f"{v.code} {v.text()}")


def _pdf(data: bytes, name: str, *, inline: bool = True) -> HttpResponse:
    r = HttpResponse(bytes(data), content_type="application/pdf")
    r["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    return r


def stage(request, lot_id: int):
    lot = get_object_or_404(Lot.objects.select_related("tender__tenderer"), pk=lot_id)
    if lot.tender.status == "draft":
        raise Http404
    s = selectors.stage(lot, entity=entity_of(request.user))
    ranks = range(1, len(s.candidates) + 1) if s.candidates else []
    from . import reports

    report = reports.report_for_lot(lot) if s.manager and s.publicity is None else None
    return render(request, "award/stage.html", {"s": s, "lot": lot, "tender": lot.tender, "ranks": ranks, "reasons": PassReason.choices, "report": report, "bidders": list(services.bidders_of(lot)) if s.manager else []})


@_post_only
def publicity_publish(request, lot_id: int):
    lot = get_object_or_404(Lot, pk=lot_id)
    post = request.POST
    candidates = [
        {"rank": r, **{k: post.get(f"c{r}_{k}", "") for k in ("project_manager", "pm_certificates", "pm_id_number", "qualification", "evaluation_status", "quality", "duration_days")}}
        for r in range(1, 4)
        if post.get(f"c{r}_project_manager") is not None
    ]
    end_at = parse_datetime(post.get("end_at") or "") if post.get("end_at") else None
    try:
        services.publicity_publish(actor=Actor.from_request(request), acting_entity=entity_of(request.user), lot=lot, candidates=candidates, end_at=end_at, other_content=post.get("other_content", ""), late_reason=post.get("late_reason", ""))
        messages.success(request, _("The candidate publicity is published."))
    except (RuleViolation, RuleViolations) as exc:
        _flash(request, exc)
    return redirect("award:stage", lot_id=lot_id)


def publicity(request, publicity_id: int):
    try:
        p = selectors.publicity_get(publicity_id)
    except RuleViolation:
        raise Http404 from None
    return redirect("award:stage", lot_id=p.lot_id)


@_post_only
def objection_raise(request, publicity_id: int):
    p = get_object_or_404(selectors.Publicity, pk=publicity_id)
    try:
        services.objection_raise(actor=Actor.from_request(request), entity=entity_of(request.user), publicity=p, content=request.POST.get("content", ""))
        messages.success(request, _("Your objection was sent to the tenderer, who must answer within 3 days; the award is paused meanwhile."))
    except (RuleViolation, RuleViolations) as exc:
        _flash(request, exc)
    return redirect("award:stage", lot_id=p.lot_id)


@_post_only
def objection_answer(request, objection_id: int):
    o = get_object_or_404(Objection.objects.select_related("publicity"), pk=objection_id)
    try:
        services.objection_answer(actor=Actor.from_request(request), acting_entity=entity_of(request.user), objection=o, answer=request.POST.get("answer", ""))
        messages.success(request, _("Answer sent to the objector; the publicity resumes."))
    except (RuleViolation, RuleViolations) as exc:
        _flash(request, exc)
    return redirect("award:stage", lot_id=o.publicity.lot_id)


@_post_only
def award_decide(request, lot_id: int):
    lot = get_object_or_404(Lot, pk=lot_id)
    try:
        rank = int(request.POST.get("rank") or 1)
    except ValueError:
        rank = 0
    try:
        services.award_decide(actor=Actor.from_request(request), acting_entity=entity_of(request.user), lot=lot, rank=rank, reason=request.POST.get("reason", ""), note=request.POST.get("note", ""))
        messages.success(request, _("The winner is decided. Send the notices next."))
    except (RuleViolation, RuleViolations) as exc:
        _flash(request, exc)
    return redirect("award:stage", lot_id=lot_id)


@_post_only
def award_notify(request, award_id: int):
    award = get_object_or_404(Award, pk=award_id)
    try:
        recipients = [int(x) for x in request.POST.getlist("recipients")]
    except ValueError:
        recipients = []
    try:
        services.award_notify(actor=Actor.from_request(request), acting_entity=entity_of(request.user), award=award, recipients=recipients)
        messages.success(request, _("The award notice and the result notices are sent; the result is announced."))
    except (RuleViolation, RuleViolations) as exc:
        _flash(request, exc)
    return redirect("award:stage", lot_id=award.lot_id)


def notice_pdf(request, notice_id: int):
    if not request.user.is_authenticated:
        return redirect(f"/login/?next={request.path}")
    entity = entity_of(request.user)
    try:
        n = selectors.notice_get(notice_id, entity=entity, is_staff=request.user.is_staff)
    except RuleViolation:
        raise Http404 from None
    services.notice_read(actor=Actor.from_request(request), entity=entity, notice=n)
    return _pdf(n.pdf, f"{n.number}.pdf")


@_post_only
def contract_create(request, award_id: int):
    award = get_object_or_404(Award, pk=award_id)
    data = {k: request.POST.get(k, "") for k in ("name", "price", "duration_days", "quality", "scope", "performance_security", "other_terms")}
    try:
        services.contract_create(actor=Actor.from_request(request), acting_entity=entity_of(request.user), award=award, data=data)
        messages.success(request, _("The contract is ready for both parties' electronic signatures."))
    except (RuleViolation, RuleViolations) as exc:
        _flash(request, exc)
    return redirect("award:stage", lot_id=award.lot_id)


@_post_only
def contract_sign(request, contract_id: int):
    c = get_object_or_404(Contract.objects.select_related("award"), pk=contract_id)
    try:
        c = services.contract_sign(actor=Actor.from_request(request), acting_entity=entity_of(request.user), contract=c, late_reason=request.POST.get("late_reason", ""))
        messages.success(request, _("Signed. The contract is concluded.") if c.signed_at else _("Signed. Waiting for the other party."))
    except (RuleViolation, RuleViolations) as exc:
        _flash(request, exc)
    return redirect("award:stage", lot_id=c.award.lot_id)


def contract_pdf(request, contract_id: int):
    c = get_object_or_404(Contract, pk=contract_id)
    return _pdf(services.contract_pdf(c), f"{c.code}.pdf")


@_post_only
def refund_record(request, refund_id: int):
    r = get_object_or_404(Refund.objects.select_related("award"), pk=refund_id)
    try:
        services.refund_record(actor=Actor.from_request(request), acting_entity=entity_of(request.user), refund=r, refunded_amount=request.POST.get("refunded_amount", ""), interest=request.POST.get("interest", ""), bank_reference=request.POST.get("bank_reference", ""))
        messages.success(request, _("Refund recorded."))
    except (RuleViolation, RuleViolations) as exc:
        _flash(request, exc)
    return redirect("award:stage", lot_id=r.award.lot_id)


@_post_only
def report_submit(request, award_id: int):
    award = get_object_or_404(Award, pk=award_id)
    try:
        services.report_submit(actor=Actor.from_request(request), acting_entity=entity_of(request.user), award=award, late_reason=request.POST.get("late_reason", ""))
        messages.success(request, _("The written report was sent to the supervising department."))
    except (RuleViolation, RuleViolations) as exc:
        _flash(request, exc)
    return redirect("award:stage", lot_id=award.lot_id)


@login_required
def report_pdf(request, award_id: int):
    award = get_object_or_404(Award, pk=award_id)
    if not selectors.may_see_archive(award.lot.tender, entity=entity_of(request.user), is_staff=request.user.is_staff) or not hasattr(award, "report"):
        raise Http404
    return _pdf(award.report.pdf, f"report-{award.lot.code}.pdf")


@login_required
def archive(request, tender_id: int):
    tender = get_object_or_404(Tender, pk=tender_id)
    entity = entity_of(request.user)
    if not selectors.may_see_archive(tender, entity=entity, is_staff=request.user.is_staff):
        raise Http404
    if request.method == "POST":
        try:
            added = services.archive_complete(actor=Actor.from_request(request), tender=tender)
            messages.success(request, _("%(n)d records archived.") % {"n": len(added)})
        except (RuleViolation, RuleViolations) as exc:
            _flash(request, exc)
        return redirect("award:archive", tender_id=tender_id)
    return render(request, "award/archive.html", {"tender": tender, "rows": selectors.archive(tender)})


@login_required
def archive_download(request, item_id: int):
    item = get_object_or_404(ArchiveItem, pk=item_id)
    if not selectors.may_see_archive(item.tender, entity=entity_of(request.user), is_staff=request.user.is_staff):
        raise Http404
    r = HttpResponse(bytes(item.content), content_type=item.media_type)
    r["Content-Disposition"] = f'attachment; filename="{item.kind}-{item.pk}"'
    return r

"""Web pages for bidding and the online opening."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation, RuleViolations, violations_of
from etender.kernel.web.forms import apply_violations
from etender.trading.accounts.selectors import entity_of
from etender.trading.tenders.models import Lot
from etender.trading.tenders.services import can_manage

from . import selectors, services
from .forms import BidForm, DecryptForm, WithdrawForm
from .models import Bid


def _key_id(entity, tender) -> str:
    from etender.kernel.suites import get_suite
    from etender.trading.accounts.selectors import entity_current_key

    key = entity_current_key(entity, get_suite(tender.suite).keys_id) if entity else None
    return key.key_id if key else ""


@login_required
def bid_lot(request, lot_id: int):
    entity = entity_of(request.user)
    lot = get_object_or_404(Lot.objects.select_related("tender"), pk=lot_id)
    from etender.trading.tenders.selectors import tender_visible

    if not tender_visible(lot.tender, entity, is_staff=request.user.is_staff):
        raise RuleViolation("E005")
    bid = selectors.bid_of(lot=lot, entity=entity)
    form = BidForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and entity is not None and form.is_valid():
        data = form.cleaned_data
        members = [m for m in data["consortium_members"].replace("，", ",").replace(" ", ",").split(",") if m]
        try:
            services.bid_submit(actor=Actor.from_request(request), entity=entity, lot=lot, file=data["file"], consortium_members=members, joint_agreement=data["joint_agreement"])
        except (RuleViolation, RuleViolations) as exc:
            apply_violations(form, exc)
        else:
            messages.success(request, _("Your sealed bid was received. Keep the signed receipt."))
            return redirect("bid_lot", lot_id=lot.pk)
    current = bid.current if bid else None
    return render(request, "bids/bid.html", {"lot": lot, "tender": lot.tender, "bid": bid, "current": current, "form": form, "withdraw_form": WithdrawForm(), "now": clock.now(), "entity": entity, "has_custodians": lot.tender.custodians.exists(), "key_id": _key_id(entity, lot.tender)})


@login_required
def bid_withdraw(request, bid_id: int):
    entity = entity_of(request.user)
    bid = get_object_or_404(Bid, pk=bid_id)
    if request.method == "POST":
        form = WithdrawForm(request.POST)
        form.is_valid()
        try:
            services.bid_withdraw(actor=Actor.from_request(request), entity=entity, bid=bid, accept_forfeit=form.cleaned_data.get("accept_forfeit", False))
            messages.success(request, _("The bid was withdrawn."))
        except (RuleViolation, RuleViolations) as exc:
            for v in violations_of(exc):
                messages.error(request, f"{v.code} {v.text()}")
    return redirect("bid_lot", lot_id=bid.lot_id)


@login_required
def my_bids(request):
    entity = entity_of(request.user)
    return render(request, "bids/mine.html", {"bids": selectors.bids_of_entity(entity) if entity else []})


def _opening_context(request, lot: Lot):
    entity = entity_of(request.user)
    bids = list(selectors.opening_bids(lot=lot, viewer=entity, is_staff=request.user.is_staff))
    return {
        "lot": lot,
        "tender": lot.tender,
        "bids": bids,
        "mine": next((b for b in bids if entity and b.bidder_id == entity.pk), None),
        "manager": can_manage(lot.tender, entity),
        "record": selectors.opening_record_of(lot),
        "now": clock.now(),
    }


@login_required
def opening(request, lot_id: int):
    lot = get_object_or_404(Lot.objects.select_related("tender"), pk=lot_id)
    form = DecryptForm(request.POST or None)
    try:
        if request.method == "POST" and form.is_valid():
            entity = entity_of(request.user)
            mine = selectors.bid_of(lot=lot, entity=entity)
            if mine is None:
                raise RuleViolation("E006")
            try:
                services.bid_decrypt(actor=Actor.from_request(request), entity=entity, bid=mine, dek=form.cleaned_data["dek"])
                messages.success(request, _("Decryption finished."))
                return redirect("opening", lot_id=lot.pk)
            except (RuleViolation, RuleViolations) as exc:
                apply_violations(form, exc)
        context = _opening_context(request, lot)
    except RuleViolation as exc:
        return render(request, "bids/opening_denied.html", {"lot": lot, "error": exc}, status=403)
    lot.refresh_from_db()
    return render(request, "bids/opening.html", {**context, "form": form})


@login_required
def opening_live(request, lot_id: int):
    lot = get_object_or_404(Lot.objects.select_related("tender"), pk=lot_id)
    try:
        context = _opening_context(request, lot)
    except RuleViolation as exc:
        return render(request, "bids/opening_denied.html", {"lot": lot, "error": exc}, status=403)
    return render(request, "bids/partials/opening_table.html", context)


def opening_record(request, lot_id: int):
    lot = get_object_or_404(Lot.objects.select_related("tender"), pk=lot_id)
    record = selectors.opening_record_of(lot)
    return render(request, "bids/record.html", {"lot": lot, "tender": lot.tender, "record": record}, status=200 if record else 404)


@login_required
def custodian_list(request):
    from etender.trading.tenders.models import Custodian

    mine = Custodian.objects.filter(user=request.user).select_related("tender").order_by("-tender__created_at")
    return render(request, "bids/custodian_list.html", {"items": mine})


@login_required
def custodian_detail(request, custodian_id: int):
    from etender.trading.tenders import services as tender_services
    from etender.trading.tenders.models import Custodian

    custodian = get_object_or_404(Custodian.objects.select_related("tender"), pk=custodian_id, user=request.user)
    if request.method == "POST" and request.POST.get("public_key"):
        try:
            tender_services.custodian_key_register(actor=Actor.from_request(request), custodian=custodian, public_key=request.POST["public_key"].strip())
            messages.success(request, _("Your public key is registered."))
        except (RuleViolation, RuleViolations) as exc:
            for v in violations_of(exc):
                messages.error(request, f"{v.code} {v.text()}")
        return redirect("custodian_detail", custodian_id=custodian.pk)
    tender = custodian.tender
    return render(request, "bids/custodian.html", {"c": custodian, "tender": tender, "lots": tender.lots.all(), "now": clock.now()})

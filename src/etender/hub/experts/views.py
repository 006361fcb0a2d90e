"""Pages: the pool administrator's (list, detail, create/edit, import, draws), the expert's invitations, the public proof."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from etender.kernel import clock
from etender.kernel import draw as algo
from etender.kernel.audit.actors import Actor
from etender.kernel.exchange import DATASETS
from etender.kernel.errors import RuleViolation, RuleViolations, violations_of
from etender.kernel.web.forms import apply_violations

from . import forms, selectors, services, specialties
from .models import Avoidance, Draw, Expert, Member, Unavailability

BASE = "experts/base.html"


def pool_admin(view):
    """Pool administrators only (permission experts.manage_pool); others get E006, anonymous users the sign-in page."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not selectors.is_pool_admin(request.user):
            return render(request, "etender/error.html", {"violations": [RuleViolation("E006", detail_zh="仅限评标专家库管理员", detail_en="expert pool administrators only")], "base_template": BASE}, status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _expert(ref: str) -> Expert:
    try:
        return selectors.expert_get(ref)
    except Expert.DoesNotExist:
        raise Http404 from None


def _draw(draw_id: str) -> Draw:
    try:
        return selectors.draw_get(draw_id)
    except Draw.DoesNotExist:
        raise Http404 from None


@pool_admin
def pool(request):
    q, spec, status, region = (request.GET.get(k, "").strip() for k in ("q", "specialty", "status", "region"))
    page = Paginator(selectors.expert_list(q=q, specialty=spec, status=status, region=region), 25).get_page(request.GET.get("page"))
    if page.object_list:
        services.access_record(actor=Actor.from_request(request), what=f"pool list page {page.number} ({len(page.object_list)} experts; q={q[:40]})")
    return render(request, "experts/pool.html", {
        "nav": "experts", "page": page, "q": q, "specialty": spec, "status": status, "region": region, "stats": selectors.pool_stats(),
        "specialty_choices": specialties.choices(), "status_choices": Expert.Status.choices,
    })


def _initial(expert: Expert) -> dict:
    data = {f: getattr(expert, f) for f in services.EXPERT_FIELDS}
    specs = list(expert.specialties.all())
    data["main_specialty"] = next((s.code for s in specs if s.is_main), specs[0].code if specs else "")
    data["other_specialties"] = [s.code for s in specs if not s.is_main]
    return data


@pool_admin
def expert_edit(request, ref: str | None = None):
    expert = _expert(ref) if ref else None
    form = forms.ExpertForm(request.POST or None, initial=_initial(expert) if expert else {"onwork": True, "title_level": Expert.TitleLevel.SENIOR})
    if request.method == "POST" and form.is_valid():
        try:
            if expert is None:
                expert = services.expert_create(actor=Actor.from_request(request), data=form.expert_data(), specialty_codes=form.specialty_codes())
                messages.success(request, _("The expert was entered into the pool."))
            else:
                services.expert_update(actor=Actor.from_request(request), expert=expert, data=form.expert_data(), specialty_codes=form.specialty_codes())
                messages.success(request, _("Saved."))
        except (RuleViolation, RuleViolations) as exc:
            apply_violations(form, exc, prefix_map={"specialties": "main_specialty"})
        else:
            return redirect("experts_detail", ref=expert.ref)
    elif expert is not None and request.method == "GET":
        services.access_record(actor=Actor.from_request(request), what="edit form", expert=expert)
    return render(request, "experts/edit.html", {"nav": "experts", "form": form, "expert": expert})


DETAIL_FORMS = {"status": forms.StatusForm, "unavailable": forms.UnavailableForm, "avoidance": forms.AvoidanceForm, "punishment": forms.PunishmentForm, "account": forms.AccountForm}


@pool_admin
def expert_detail(request, ref: str):
    expert = _expert(ref)
    actor = Actor.from_request(request)
    bound = {k: cls(request.POST if request.POST.get("form") == k else None, prefix=k) for k, cls in DETAIL_FORMS.items()}
    bound["status"].initial = {"status": expert.status}
    if request.method == "POST":
        which = request.POST.get("form")
        form = bound.get(which)
        if form is not None and form.is_valid():
            d = form.cleaned_data
            try:
                if which == "status":
                    services.expert_set_status(actor=actor, expert=expert, status=d["status"], note=d["note"])
                elif which == "unavailable":
                    services.unavailability_add(actor=actor, expert=expert, **d)
                elif which == "avoidance":
                    services.avoidance_add(actor=actor, expert=expert, **d)
                elif which == "punishment":
                    services.punishment_add(actor=actor, expert=expert, **d)
                elif which == "account":
                    services.expert_issue_account(actor=actor, expert=expert, **d)
            except (RuleViolation, RuleViolations) as exc:
                apply_violations(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("experts_detail", ref=expert.ref)
    services.access_record(actor=actor, what="expert detail", expert=expert)
    return render(request, "experts/detail.html", {
        "nav": "experts", "expert": expert, "forms": bound, "specialties": [(s, specialties.path_label(s.code)) for s in expert.specialties.all()],
        "memberships": list(expert.memberships.select_related("draw").order_by("-draw__evaluation_start")[:50]),
        "performance": selectors.performance_of(expert), "accesses": list(expert.accesses.all()[:30]),
        "punishment_now": services._punishment_in_effect(expert, clock.now().date()),
    })


@pool_admin
@require_POST
def expert_remove(request, ref: str, kind: str, pk: int):
    expert = _expert(ref)
    actor = Actor.from_request(request)
    if kind == "unavailable":
        row = Unavailability.objects.filter(expert=expert, pk=pk).first()
        if row:
            services.unavailability_remove(actor=actor, row=row)
    elif kind == "avoidance":
        row = Avoidance.objects.filter(expert=expert, pk=pk).first()
        if row:
            services.avoidance_remove(actor=actor, row=row)
    else:
        raise Http404
    return redirect("experts_detail", ref=expert.ref)


@pool_admin
def import_page(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors: list[dict] = []
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        if f.size > 10 * 1024 * 1024:
            form.add_error("file", f"E004 {RuleViolation('E004').text()}")
        else:
            try:
                result = services.experts_import(actor=Actor.from_request(request), content=f.read(), filename=f.name)
            except (RuleViolation, RuleViolations) as exc:
                for v in violations_of(exc):
                    errors += v.params.get("errors", [])
                apply_violations(form, exc)
            else:
                messages.success(request, _("%(n)d experts imported from %(rows)d rows.") % {"n": len(result.created), "rows": result.rows})
                return redirect("experts_pool")
    columns = [(f.name, f.zh) for f in DATASETS["212"].fields]
    return render(request, "experts/import.html", {"nav": "import", "form": form, "errors": errors, "columns": columns})


@pool_admin
def draws(request):
    page = Paginator(selectors.draw_list(), 25).get_page(request.GET.get("page"))
    return render(request, "experts/draws.html", {"nav": "draws", "page": page})


@pool_admin
def draw_admin(request, draw_id: str):
    draw = _draw(draw_id)
    services.access_record(actor=Actor.from_request(request), what="draw detail (administrator)", draw=draw)
    return render(request, "experts/draw_admin.html", {
        "nav": "draws", "draw": draw, "members": selectors.draw_members(draw),
        "specialties": [(c, n, specialties.path_label(c), len(draw.candidates.get(c, []))) for c, n in draw.counts.items()],
        "excluded": [(n, *services.REASONS.get(code, (code, code))) for code, n in sorted(draw.excluded.items())],
    })


def proof_page(request, draw_id: str):
    """Public: the proof of a draw (JSON for ``Accept: application/json``, as ``etender verify-draw <url>`` asks)."""
    from .api import signed_proof

    draw = _draw(draw_id)
    data = signed_proof(draw)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    report = algo.verify(data)
    selected = set(data["selected"]) | {r["by"] for r in data["replacements"]}
    rows = [(s, specialties.path_label(s), data["counts"][s], [(c, c in selected) for c in ids]) for s, ids in data["candidates"].items()]
    excluded = [(n, *services.REASONS.get(code, (code, code))) for code, n in sorted(data["excluded"].items())]
    return render(request, "experts/proof.html", {"draw": draw, "p": data, "rows": rows, "report": report, "excluded": excluded})


@login_required
def invitations(request):
    expert = selectors.expert_of(request.user)
    if expert is None:
        return render(request, "etender/error.html", {"violations": [RuleViolation("E006", detail_zh="该账号未关联评标专家", detail_en="this account is not linked to an evaluation expert")], "base_template": BASE}, status=403)
    return render(request, "experts/invitations.html", {"nav": "me", "expert": expert, "members": selectors.invitations(expert), "form": forms.RespondForm()})


@login_required
@require_POST
def respond(request, pk: int):
    expert = selectors.expert_of(request.user)
    member = Member.objects.filter(pk=pk, expert=expert).first() if expert else None
    if member is None:
        raise Http404
    form = forms.RespondForm(request.POST)
    if form.is_valid():
        try:
            services.member_respond(actor=Actor.from_request(request), member=member, confirmed=form.cleaned_data["answer"] == "confirm", reason=form.cleaned_data["reason"])
        except (RuleViolation, RuleViolations) as exc:
            for v in violations_of(exc):
                messages.error(request, f"{v.code} {v.text()}")
        else:
            messages.success(request, _("Your answer was recorded and the trading platform sees it."))
    return redirect("experts_invitations")

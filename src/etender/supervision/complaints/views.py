"""Pages of complaints: lodging (interested parties), the regulators' list with due dates, each complaint's steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation, RuleViolations, violations_of
from etender.kernel.web.forms import apply_violations

from . import deadlines, selectors, services
from .forms import AnswerForm, DecideForm, InformationRequestForm, LodgeForm, ReasonsForm, ReferForm, SuspensionForm, TenderInstructionForm
from .models import Status


def _actor(request) -> Actor:
    actor = Actor.from_request(request)
    identity = getattr(request.user, "hub_identity", None)
    if identity is not None and not actor.entity_code:
        actor = Actor(user_id=actor.user_id, username=actor.username, ip=actor.ip, entity_code=identity.entity_code)
    return actor


def _rows(complaints, today):
    out = []
    for c in complaints:
        due = c.accept_due if c.status == Status.LODGED else c.decision_due if c.status == Status.ACCEPTED else None
        step = _("acceptance") if c.status == Status.LODGED else _("decision") if c.status == Status.ACCEPTED else ""
        overdue = due is not None and today > due
        out.append({"c": c, "due": due, "step": step, "overdue": overdue})
    return out


@login_required
@require_GET
def complaint_list(request):
    today = deadlines.local_date(clock.now())
    regulator = selectors.is_regulator(request.user)
    context = {
        "nav": "complaints",
        "regulator": regulator,
        "open_rows": _rows(selectors.dashboard(request.user), today) if regulator else [],
        "closed": selectors.recent_closed(request.user) if regulator else [],
        "mine": _rows(selectors.complaints_for(request.user).filter(complainant=request.user), today),
        "today": today,
    }
    return render(request, "complaints/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request):
    identity = getattr(request.user, "hub_identity", None)
    if request.method == "POST":
        form = LodgeForm(request.POST, request.FILES)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                c = services.complaint_lodge(actor=_actor(request), **data)
            except (RuleViolation, RuleViolations) as exc:
                apply_violations(form, exc)
            else:
                messages.success(request, _("Your complaint %(number)s has been received.") % {"number": c.number})
                return redirect("complaints:detail", number=c.number)
    else:
        initial = {"tender_code": request.GET.get("tender", ""), "complainant_name": identity.entity_name if identity else request.user.get_full_name(), "complainant_code": identity.entity_code if identity else "", "complainant_email": request.user.email}
        form = LodgeForm(initial=initial)
    return render(request, "complaints/new.html", {"form": form, "nav": "complaints"})


def _get(request, number: str):
    c = selectors.complaint_get(user=request.user, number=number)
    if c is None:
        raise Http404
    return c


@login_required
@require_GET
def complaint_detail(request, number: str):
    c = _get(request, number)
    return render(request, "complaints/detail.html", _detail_context(request, c))


def _detail_context(request, c, **forms):
    handler = selectors.can_handle(request.user, c)
    now = clock.now()
    today = deadlines.local_date(now)
    return {
        "c": c,
        "nav": "complaints",
        "handler": handler,
        "own": c.complainant_id == request.user.pk,
        "today": today,
        "accept_overdue": c.status == Status.LODGED and today > c.accept_due,
        "decision_overdue": c.status == Status.ACCEPTED and c.decision_due is not None and today > c.decision_due,
        "steps": c.steps.all(),
        "evidence": c.evidence.all(),
        "requests": c.requests.all(),
        "suspensions": c.suspensions.all(),
        "reject_form": forms.get("reject") or ReasonsForm(),
        "refer_form": forms.get("refer") or ReferForm(),
        "request_form": forms.get("request") or InformationRequestForm(),
        "answer_form": forms.get("answer") or AnswerForm(),
        "suspension_form": forms.get("suspension") or SuspensionForm(),
        "instruction_form": forms.get("instruction") or TenderInstructionForm(),
        "decide_form": forms.get("decide") or DecideForm(),
        "action_error": forms.get("error"),
    }


ACTIONS = {
    "accept": (None, lambda actor, c, d: services.complaint_accept(actor=actor, complaint=c)),
    "reject": (ReasonsForm, lambda actor, c, d: services.complaint_reject(actor=actor, complaint=c, reasons=d["reasons"])),
    "refer": (ReferForm, lambda actor, c, d: services.complaint_refer(actor=actor, complaint=c, department=d["department"], reasons=d["reasons"])),
    "request": (InformationRequestForm, lambda actor, c, d: services.information_request_send(actor=actor, complaint=c, addressee=d["addressee"], question=d["question"], due_days=d["due_days"])),
    "answer": (AnswerForm, lambda actor, c, d: services.information_request_answer(actor=actor, request=c.requests.get(pk=d["request_id"]), answer=d["answer"])),
    "suspension": (SuspensionForm, lambda actor, c, d: services.suspension_start(actor=actor, complaint=c, reason=d["reason"], note=d["note"])),
    "resume-clock": (None, lambda actor, c, d: services.suspension_end(actor=actor, complaint=c)),
    "suspend-tender": (TenderInstructionForm, lambda actor, c, d: services.complaint_tender_instruction(actor=actor, complaint=c, kind="suspend", reason=d["reason"])),
    "resume-tender": (TenderInstructionForm, lambda actor, c, d: services.complaint_tender_instruction(actor=actor, complaint=c, kind="resume", reason=d["reason"])),
    "decide": (DecideForm, lambda actor, c, d: services.complaint_decide(actor=actor, complaint=c, outcome=d["outcome"], handle_result=d["handle_result"], handle_basis=d["handle_basis"], confined_action=d["confined_action"], enter_credit=d["enter_credit"])),
}
FORM_KEY = {"reject": "reject", "refer": "refer", "request": "request", "answer": "answer", "suspension": "suspension", "suspend-tender": "instruction", "resume-tender": "instruction", "decide": "decide"}


@login_required
@require_POST
def complaint_action(request, number: str, action: str):
    c = _get(request, number)
    if action not in ACTIONS:
        raise Http404
    form_class, call = ACTIONS[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        return render(request, "complaints/detail.html", _detail_context(request, c, **{FORM_KEY[action]: form}), status=422)
    try:
        call(_actor(request), c, form.cleaned_data if form is not None else {})
    except (RuleViolation, RuleViolations) as exc:
        if form is not None:
            apply_violations(form, exc)
            extra = {FORM_KEY[action]: form}
        else:
            extra = {"error": "; ".join(f"{v.code} {v.text()}" for v in violations_of(exc))}
        c.refresh_from_db()
        status = max(v.status for v in violations_of(exc))
        return render(request, "complaints/detail.html", _detail_context(request, c, **extra), status=status)
    messages.success(request, _("Saved."))
    return redirect(reverse("complaints:detail", args=[c.number]))


@login_required
@require_GET
def evidence_download(request, number: str, pk: int):
    c = _get(request, number)
    ev = c.evidence.filter(pk=pk).first()
    if ev is None:
        raise Http404
    return FileResponse(ev.file.open("rb"), as_attachment=True, filename=ev.name)

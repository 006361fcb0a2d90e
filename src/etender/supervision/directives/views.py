"""Pages of supervisory instructions: list (filters, overdue), issue, detail with the tracking timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.kernel.web.forms import apply_violations

from . import selectors, services
from .forms import IssueForm
from .models import Status


@login_required
def directive_list(request):
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    items = list(selectors.directives_for(request.user, status=status, overdue=overdue, tender_code=request.GET.get("tender", "")[:20])[:500])
    for d in items:
        d.ack_late = selectors.ack_overdue(d)
        d.execute_late = selectors.execute_overdue(d)
    return render(request, "directives/list.html", {"items": items, "status": status, "overdue": overdue, "statuses": Status.choices, "may_issue": selectors.may_issue(request.user), "nav": "directives"})


@login_required
def directive_new(request):
    if not selectors.may_issue(request.user):
        return render(request, "directives/denied.html", {"nav": "directives"}, status=403)
    form = IssueForm(request.POST or None, initial={"tender_code": request.GET.get("tender", ""), "kind": request.GET.get("kind", "suspend"), "complaint_id": request.GET.get("complaint", "")})
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            d = services.directive_issue(
                actor=Actor.from_request(request),
                kind=c["kind"],
                tender_code=c["tender_code"],
                lot_code=c["lot_code"] or None,
                reason=c["reason"],
                due_hours=c["due_hours"],
                complaint_id=c["complaint_id"] or None,
                correction=c["correction"],
                questions=c["questions"].splitlines(),
            )
        except RuleViolation as exc:
            apply_violations(form, exc)
        else:
            messages.success(request, _("The instruction was signed and is being sent through the public service platform."))
            return redirect("directives:detail", instruction_id=d.instruction_id)
    return render(request, "directives/new.html", {"form": form, "nav": "directives"})


@login_required
def directive_detail(request, instruction_id: str):
    try:
        d = selectors.directive_get(request.user, instruction_id)
    except RuleViolation:
        raise Http404 from None
    steps = [
        (_("Issued and signed"), d.issued_at, None),
        (_("Relayed by the hub"), d.relayed_at, None),
        (_("Delivered to the trading platform"), d.delivered_at, None),
        (_("Acknowledged"), d.acknowledged_at, d.ack_due_at),
        (_("Executed"), d.executed_at, d.execute_due_at),
    ]
    return render(request, "directives/detail.html", {"d": d, "steps": steps, "ack_late": selectors.ack_overdue(d), "execute_late": selectors.execute_overdue(d), "files": d.files.all(), "nav": "directives"})


@login_required
def report_file(request, instruction_id: str, file_id: int):
    try:
        d = selectors.directive_get(request.user, instruction_id)
    except RuleViolation:
        raise Http404 from None
    f = d.files.filter(pk=file_id).first()
    if f is None:
        raise Http404
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=f.name)

"""Pages of supervisory instructions on the trading platform (list, detail with the operator's answer)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation
from etender.kernel.web.forms import apply_violations

from . import selectors, services
from .forms import AnswerForm
from .models import Instruction, Kind


@login_required
def instruction_list(request):
    items = selectors.instructions_for(request.user)
    return render(request, "directives/list.html", {"items": items[:500], "open_count": items.filter(status=Instruction.Status.RECEIVED).count()})


@login_required
def instruction_detail(request, pk: int):
    try:
        inst = selectors.instruction_get(request.user, pk)
    except RuleViolation:
        return render(request, "tenders/not_found.html", status=404)
    may_answer = services.can_answer(request.user) and inst.status == Instruction.Status.RECEIVED and inst.kind in (Kind.CORRECT, Kind.INFORM)
    form = AnswerForm()
    if request.method == "POST" and may_answer:
        form = AnswerForm(request.POST, request.FILES)
        if form.is_valid():
            files = [(f.name, f) for f in request.FILES.getlist("files")]
            try:
                services.instruction_answer(actor=Actor.from_request(request), user=request.user, instruction=inst, text=form.cleaned_data["text"], files=files)
            except RuleViolation as exc:
                apply_violations(form, exc)
            else:
                messages.success(request, _("The answer was recorded and is being sent to the supervising department."))
                return redirect("directives:detail", pk=inst.pk)
    return render(request, "directives/detail.html", {"inst": inst, "form": form, "may_answer": may_answer, "reports": inst.reports.order_by("id"), "attachments": inst.attachments.all()})

"""Pages of the published duties: public reading, inline editing by department staff."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from etender.kernel.audit.actors import Actor
from etender.kernel.codes import region_full_name
from etender.kernel.errors import RuleViolation, RuleViolations
from etender.kernel.web.forms import apply_violations

from . import selectors, services
from .forms import DutySectionForm
from .models import SectionKind


@require_GET
def department_index(request):
    departments = selectors.department_list(user=request.user)
    return render(request, "duties/index.html", {"departments": departments, "kind_count": len(SectionKind.values), "nav": "duties"})


@require_GET
def department_detail(request, code: str):
    dept = selectors.department_get(code=code, user=request.user)
    if dept is None:
        raise Http404
    context = {
        "dept": dept,
        "region_name": region_full_name(dept.region_code),
        "slots": selectors.section_slots(dept),
        "can_edit": selectors.user_can_edit(request.user, dept),
        "nav": "duties",
    }
    return render(request, "duties/department.html", context)


def _slot(dept, kind: str):
    for slot in selectors.section_slots(dept):
        if slot.kind == kind:
            return slot
    raise Http404


def _anchor(dept, kind: str) -> str:
    return reverse("duties:department", args=[dept.code]) + "#" + kind


@require_GET
def section_detail(request, code: str, kind: str):
    """One item as a fragment (htmx: leaving the inline editor); a plain visit goes to the department page."""
    dept = selectors.department_get(code=code, user=request.user)
    if dept is None:
        raise Http404
    slot = _slot(dept, kind)
    if not request.htmx:
        return redirect(_anchor(dept, kind))
    return render(request, "duties/_section.html", {"dept": dept, "slot": slot, "can_edit": selectors.user_can_edit(request.user, dept)})


@require_http_methods(["GET", "POST"])
def section_edit(request, code: str, kind: str):
    """Edit one item: inline through htmx, or as a page of its own without JavaScript."""
    if not request.user.is_authenticated:
        if request.htmx:
            return HttpResponseClientRedirect(reverse("login") + "?" + urlencode({"next": reverse("duties:department", args=[code])}))
        return redirect_to_login(request.get_full_path())
    dept = selectors.department_for_edit(code=code)
    if dept is None or kind not in SectionKind.values:
        raise Http404
    if not selectors.user_can_edit(request.user, dept):
        raise PermissionDenied
    section = selectors.section_get(department=dept, kind=kind)
    if request.method == "POST":
        form = DutySectionForm(request.POST)
        if form.is_valid():
            try:
                services.duty_section_update(
                    actor=Actor.from_request(request),
                    department=dept,
                    kind=kind,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    version=form.cleaned_data["version"],
                )
            except (RuleViolation, RuleViolations) as exc:
                apply_violations(form, exc)
            else:
                if request.htmx:
                    dept = selectors.department_get(code=code, user=request.user)
                    return render(request, "duties/_section.html", {"dept": dept, "slot": _slot(dept, kind), "can_edit": True, "saved": True})
                messages.success(request, _("Saved."))
                return redirect(_anchor(dept, kind))
    else:
        form = DutySectionForm(initial={"title": section.title if section else "", "body": section.body if section else "", "version": section.version if section else 0})
    context = {"dept": dept, "kind": kind, "label": SectionKind(kind).label, "form": form, "section": section, "nav": "duties"}
    return render(request, "duties/_section_form.html" if request.htmx else "duties/section_edit.html", context)


LOGIN_CONTEXT = {
    "base_template": "duties/base.html",
    "login_note": gettext_lazy("For staff of the supervising departments. Reading the published duties needs no account."),
}

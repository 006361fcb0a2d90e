"""Monitoring pages: dashboard, tenders, timeline, alerts, access log (department staff only; outside the jurisdiction: 404 E080)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render

from etender.kernel.audit.actors import Actor
from etender.kernel.errors import RuleViolation

from . import selectors, services
from .models import Alert, TenderView


def _staff_only(view):
    def wrapped(request, *args, **kwargs):
        if not selectors.may_monitor(request.user):
            return render(request, "monitor/error.html", {"error": RuleViolation("E006"), "nav": "monitor"}, status=403)
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_required(wrapped)


def _not_found(request):
    return render(request, "monitor/error.html", {"error": RuleViolation("E080"), "nav": "monitor"}, status=404)


@_staff_only
def dashboard(request):
    data = selectors.dashboard(request.user)
    services.access_record(request=request, kind="dashboard", record="dashboard")
    return render(request, "monitor/dashboard.html", {**data, "nav": "monitor", "departments": selectors.departments_of(request.user)})


@_staff_only
def dashboard_data(request):
    """The figures the charts draw, refreshed by the page every second."""
    data = selectors.dashboard(request.user)
    return JsonResponse({
        "stages": [{"stage": s, "label": label, "count": n} for s, label, n in data["stages"]],
        "alerts": [{"severity": s, "label": label, "count": n} for s, label, n in data["alerts_by_severity"]],
        "tender_count": data["tender_count"],
        "open_alert_count": data["open_alert_count"],
        "openings_today": len(data["openings_today"]),
        "overdue_count": data["overdue_count"],
        "applied": data["cursor"].applied if data["cursor"] else 0,
        "position": data["cursor"].position if data["cursor"] else 0,
    })


@_staff_only
def dashboard_alerts(request):
    """The fragments of the dashboard refreshed by htmx every second: latest alerts, or (``?part=overdue``) overdue steps."""
    data = selectors.dashboard(request.user)
    if request.GET.get("part") == "overdue":
        return render(request, "monitor/_overdue.html", {"overdue": data["overdue"]})
    return render(request, "monitor/_alerts.html", {"alerts": data["recent_alerts"]})


@_staff_only
def tender_list(request):
    stage = request.GET.get("stage") or ""
    qs = selectors.tenders_in_jurisdiction(request.user)
    if stage in TenderView.Stage.values:
        qs = qs.filter(stage=stage)
    services.access_record(request=request, kind="tender_list", record=f"stage={stage}")
    return render(request, "monitor/tenders.html", {"tenders": qs[:500], "stage": stage, "stages": TenderView.Stage.choices, "nav": "monitor"})


@_staff_only
def tender_detail(request, code: str):
    t = selectors.tender_for_user(request.user, code)
    services.access_record(request=request, kind="timeline", record=code, tender_code=code, allowed=t is not None)
    if t is None:
        return _not_found(request)
    events = selectors.events_of(t)
    wit = selectors.witnessed_map(events)
    rows = [(e, wit[e.seq]) for e in events]
    return render(request, "monitor/tender.html", {"tender": t, "rows": rows, "alerts": t.alerts.all(), "nav": "monitor"})


@_staff_only
def alert_list(request):
    status = request.GET.get("status") or ""
    qs = selectors.alerts_for(request.user, status=status if status in Alert.Status.values else None)
    services.access_record(request=request, kind="alert_list", record=f"status={status}")
    return render(request, "monitor/alerts.html", {"alerts": qs[:500], "status": status, "statuses": Alert.Status.choices, "nav": "monitor"})


@_staff_only
def alert_detail(request, alert_id: int):
    a = selectors.alert_for_user(request.user, alert_id)
    services.access_record(request=request, kind="alert", record=str(alert_id), tender_code=a.tender_code if a else "", allowed=a is not None)
    if a is None:
        return _not_found(request)
    error = None
    if request.method == "POST":
        try:
            services.alert_update(
                actor=Actor.from_request(request), alert=a, status=request.POST.get("status") or None,
                assignee_username=request.POST.get("assignee", None), resolution=request.POST.get("resolution", None),
            )
            return redirect("monitor:alert", alert_id=a.pk)
        except RuleViolation as exc:
            error = exc
            a.refresh_from_db()
    return render(request, "monitor/alert.html", {"alert": a, "error": error, "statuses": Alert.Status.choices, "nav": "monitor"}, status=422 if error else 200)


@login_required
def access_log(request):
    if not selectors.is_head(request.user):
        return render(request, "monitor/error.html", {"error": RuleViolation("E006"), "nav": "monitor"}, status=403)
    return render(request, "monitor/access_log.html", {"entries": selectors.access_log_for(request.user)[:500], "nav": "monitor"})


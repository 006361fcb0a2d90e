"""Web pages for tenders: thin — parse the form, call the service, show coded errors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from etender.kernel import clock
from etender.kernel.audit.actors import Actor
from etender.kernel.calendar import TZ
from etender.kernel.errors import RuleViolation, RuleViolations
from etender.kernel.web.forms import apply_violations
from etender.trading.accounts.selectors import entity_of
from etender.trading.bids import selectors as bid_selectors

from . import selectors, services
from .forms import AnswerForm, ClarificationForm, CustodiansForm, DocumentForm, LotFormSet, ObjectionForm, ProjectForm, ScheduleForm, TenderForm
from .models import Objection, Project, TenderDocument


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def home(request):
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    page = Paginator(selectors.tender_list_public(q=q, status=status), 20).get_page(request.GET.get("page"))
    return render(request, "tenders/home.html", {"page": page, "q": q, "status": status, "now": clock.now()})


def tender_detail(request, pk: int):
    entity = entity_of(request.user)
    try:
        tender = selectors.tender_get(pk=pk, entity=entity, is_staff=request.user.is_staff)
    except RuleViolation:
        return render(request, "tenders/not_found.html", status=404)
    manager = services.can_manage(tender, entity)
    lots = list(tender.lots.all())
    for lot in lots:
        lot.my_bid = bid_selectors.bid_of(lot=lot, entity=entity)
        lot.record = bid_selectors.opening_record_of(lot)
    context = {
        "tender": tender,
        "lots": lots,
        "manager": manager,
        "entity": entity,
        "now": clock.now(),
        "documents": tender.documents.filter(clarification__isnull=True),
        "clarifications": tender.clarifications.prefetch_related("documents"),
        "objections": selectors.objections_for(tender=tender, viewer=entity),
        "paused": selectors.paused(tender),
        "warnings": selectors.calendar_warnings(tender) if manager else [],
        "downloader_count": selectors.downloader_count(tender=tender, viewer=entity),
        "document_form": DocumentForm(),
        "clarification_form": ClarificationForm(),
        "objection_form": ObjectionForm(),
        "answer_form": AnswerForm(),
        "custodians": tender.custodians.select_related("user"),
        "custodians_form": CustodiansForm(initial={"suite": tender.suite, "threshold": tender.threshold, **{f"role_{c.index}": c.role for c in tender.custodians.all()}, **{f"username_{c.index}": c.user.username for c in tender.custodians.select_related("user")}}),
        "schedule_form": ScheduleForm(initial={"doc_get_start": tender.doc_get_start, "doc_get_end": tender.doc_get_end, "bid_deadline": tender.bid_deadline, "bid_validity_days": tender.bid_validity_days}),
    }
    form = context["custodians_form"]
    context["custodian_rows"] = [(form[f"role_{i}"], form[f"username_{i}"]) for i in range(1, 5)]
    return render(request, "tenders/detail.html", context)


@login_required
def manage(request):
    entity = entity_of(request.user)
    if entity is None:
        return redirect("entity")
    return render(request, "tenders/manage.html", {"tenders": selectors.tender_list_managed(entity), "projects": Project.objects.filter(owner=entity).order_by("-created_at"), "entity": entity})


@login_required
def project_new(request):
    entity = entity_of(request.user)
    form = ProjectForm(request.POST or None, lang=_lang())
    if request.method == "POST" and form.is_valid() and entity is not None:
        try:
            project = services.project_create(actor=Actor.from_request(request), owner=entity, data=form.cleaned_data)
        except (RuleViolation, RuleViolations) as exc:
            apply_violations(form, exc)
        else:
            messages.success(request, _("Project %(code)s registered.") % {"code": project.code})
            return redirect("tender_new", project_id=project.pk)
    return render(request, "tenders/project_new.html", {"form": form})


@login_required
def tender_new(request, project_id: int):
    entity = entity_of(request.user)
    project = get_object_or_404(Project, pk=project_id)
    form = TenderForm(request.POST or None, initial={"name": project.name, "announcement_content": ""})
    lots = LotFormSet(request.POST or None, prefix="lots", form_kwargs={"lang": _lang()}, initial=[{}] if not request.POST else None)
    if request.method == "POST" and form.is_valid() and lots.is_valid() and entity is not None:
        lot_data = [f.cleaned_data for f in lots.forms if f.cleaned_data]
        try:
            tender = services.tender_create(actor=Actor.from_request(request), project=project, acting_entity=entity, data=form.cleaned_data, lots=lot_data)
        except (RuleViolation, RuleViolations) as exc:
            apply_violations(form, exc)
            _lot_errors(lots, exc)
        else:
            messages.success(request, _("Draft saved. Upload the tender documents, then publish."))
            return redirect("tender_detail", pk=tender.pk)
    return render(request, "tenders/tender_new.html", {"form": form, "lots": lots, "project": project})


def _lot_errors(lots, exc) -> None:
    from etender.kernel.errors import violations_of

    for v in violations_of(exc):
        if v.field and v.field.startswith("lots."):
            parts = v.field.split(".")
            idx = int(parts[1]) - 1
            if 0 <= idx < len(lots.forms):
                f = lots.forms[idx]
                name = parts[2] if len(parts) > 2 else None
                f.add_error(name if name in f.fields else None, f"{v.code} {v.text()}")


def _post_only(view):
    def wrapped(request, *args, **kwargs):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    return login_required(wrapped)


def _flash_form(request, form, code: str) -> None:
    messages.error(request, f"{code} " + "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))


def _flash(request, exc) -> None:
    from etender.kernel.errors import violations_of

    for v in violations_of(exc):
        messages.error(request, f"{v.code} {v.text()}")


@_post_only
def document_upload(request, pk: int):
    entity = entity_of(request.user)
    tender = selectors.tender_get(pk=pk, entity=entity)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        f = form.cleaned_data["file"]
        try:
            services.document_upload(actor=Actor.from_request(request), acting_entity=entity, tender=tender, name=f.name, file=f)
            messages.success(request, _("Document uploaded."))
        except (RuleViolation, RuleViolations) as exc:
            _flash(request, exc)
    else:
        messages.error(request, "E001 " + _("Choose a file."))
    return redirect("tender_detail", pk=pk)


@_post_only
def tender_publish(request, pk: int):
    entity = entity_of(request.user)
    tender = selectors.tender_get(pk=pk, entity=entity)
    try:
        services.tender_publish(actor=Actor.from_request(request), acting_entity=entity, tender=tender)
        messages.success(request, _("The tender announcement is published."))
    except (RuleViolation, RuleViolations) as exc:
        _flash(request, exc)
    return redirect("tender_detail", pk=pk)


@login_required
def document_download(request, pk: int, doc_id: int):
    doc = get_object_or_404(TenderDocument, pk=doc_id, tender_id=pk)
    try:
        services.document_download(actor=Actor.from_request(request), entity=entity_of(request.user), document=doc)
    except (RuleViolation, RuleViolations) as exc:
        _flash(request, exc)
        return redirect("tender_detail", pk=pk)
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.name)


@login_required
def downloaders(request, pk: int):
    entity = entity_of(request.user)
    tender = selectors.tender_get(pk=pk, entity=entity, is_staff=request.user.is_staff)
    try:
        rows = list(selectors.downloaders(tender=tender, viewer=entity))
        error = None
    except RuleViolation as exc:
        rows, error = [], exc
    return render(request, "tenders/downloaders.html", {"tender": tender, "rows": rows, "error": error}, status=403 if error else 200)


@_post_only
def clarification_publish(request, pk: int):
    entity = entity_of(request.user)
    tender = selectors.tender_get(pk=pk, entity=entity)
    form = ClarificationForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        files = [(data["file"].name, data["file"])] if data.get("file") else []
        try:
            c = services.clarification_publish(
                actor=Actor.from_request(request),
                acting_entity=entity,
                tender=tender,
                title=data["title"],
                content=data["content"],
                affects_preparation=data["affects_preparation"],
                new_deadline=data.get("new_deadline"),
                files=files,
            )
            if c.extended:
                messages.success(request, _("Clarification published; the bid deadline is now %(d)s.") % {"d": c.new_deadline.astimezone(TZ).strftime("%Y-%m-%d %H:%M")})
            else:
                messages.success(request, _("Clarification published."))
        except (RuleViolation, RuleViolations) as exc:
            _flash(request, exc)
    else:
        _flash_form(request, form, "E001")
    return redirect("tender_detail", pk=pk)


@_post_only
def objection_raise(request, pk: int):
    entity = entity_of(request.user)
    tender = selectors.tender_get(pk=pk, entity=entity)
    form = ObjectionForm(request.POST)
    if form.is_valid() and entity is not None:
        try:
            services.objection_raise(actor=Actor.from_request(request), entity=entity, tender=tender, content=form.cleaned_data["content"])
            messages.success(request, _("Your objection was sent to the tenderer, who must answer within 3 days."))
        except (RuleViolation, RuleViolations) as exc:
            _flash(request, exc)
    return redirect("tender_detail", pk=pk)


@_post_only
def objection_answer(request, pk: int, objection_id: int):
    entity = entity_of(request.user)
    objection = get_object_or_404(Objection, pk=objection_id, tender_id=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.objection_answer(actor=Actor.from_request(request), acting_entity=entity, objection=objection, answer=form.cleaned_data["answer"])
            messages.success(request, _("Answer published; the tendering resumes."))
        except (RuleViolation, RuleViolations) as exc:
            _flash(request, exc)
    return redirect("tender_detail", pk=pk)


@_post_only
def lot_retender(request, pk: int, lot_id: int):
    entity = entity_of(request.user)
    tender = selectors.tender_get(pk=pk, entity=entity)
    lot = get_object_or_404(tender.lots, pk=lot_id)
    try:
        new = services.lot_retender(actor=Actor.from_request(request), acting_entity=entity, lot=lot)
    except (RuleViolation, RuleViolations) as exc:
        _flash(request, exc)
        return redirect("tender_detail", pk=pk)
    messages.success(request, _("A new draft was created for the re-tender; set its dates and publish it."))
    return redirect("tender_detail", pk=new.pk)


@login_required
def notifications(request):
    entity = entity_of(request.user)
    items = list(selectors.notifications_for(entity)[:100])
    from .models import Notification

    Notification.objects.filter(pk__in=[n.pk for n in items if n.read_at is None]).update(read_at=clock.now())
    return render(request, "tenders/notifications.html", {"items": items})


@_post_only
def tender_schedule(request, pk: int):
    entity = entity_of(request.user)
    tender = selectors.tender_get(pk=pk, entity=entity)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.tender_schedule(actor=Actor.from_request(request), acting_entity=entity, tender=tender, data=form.cleaned_data)
            messages.success(request, _("Dates saved."))
        except (RuleViolation, RuleViolations) as exc:
            _flash(request, exc)
    else:
        _flash_form(request, form, "E009")
    return redirect("tender_detail", pk=pk)


@_post_only
def tender_custodians(request, pk: int):
    entity = entity_of(request.user)
    tender = selectors.tender_get(pk=pk, entity=entity)
    form = CustodiansForm(request.POST)
    if form.is_valid():
        try:
            services.custodians_assign(actor=Actor.from_request(request), acting_entity=entity, tender=tender, suite=form.cleaned_data["suite"], threshold=form.cleaned_data["threshold"], custodians=form.custodians())
            messages.success(request, _("Opening custodians saved. Each of them must now make and register a key."))
        except (RuleViolation, RuleViolations) as exc:
            _flash(request, exc)
    else:
        _flash_form(request, form, "E001")
    return redirect("tender_detail", pk=pk)

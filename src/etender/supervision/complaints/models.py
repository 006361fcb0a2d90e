"""Complaints to the supervising departments (条例 60–62; 电子招标投标办法 51; 工程建设项目招标投标活动投诉处理办法).

A complaint names a tender of the supervision read model (monitor), is routed
to the department whose jurisdiction covers it, and runs through the statutory
steps, each with its time limit stored as data (see :mod:`.deadlines`):

    lodged ──accept──▶ accepted ──decide──▶ decided (published on the hub as data set 404)
       │  └─reject──▶ rejected (不予受理, with reasons)
       └──refer──▶ lodged again at the competent department (a new 3-working-day acceptance period)

Dates of the statutory periods are calendar dates in Asia/Shanghai.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Matter(models.TextChoices):
    """What the complaint is about; the first four need a prior objection (条例 60 para 2)."""

    PREQUALIFICATION_DOCUMENTS = "prequalification_documents", _("Pre-qualification documents (art. 22)")
    TENDER_DOCUMENTS = "tender_documents", _("Tender documents (art. 22)")
    OPENING = "opening", _("Bid opening (art. 44)")
    EVALUATION_RESULT = "evaluation_result", _("Evaluation result (art. 54)")
    OTHER = "other", _("Other conduct in the tendering")


#: Matters that need an objection to the tenderer first, with the days the tenderer has to answer it
#: (条例 22 and 54: 3 days; 条例 44: on the spot at the opening, 0 days).
OBJECTION_FIRST: dict[str, int] = {
    Matter.PREQUALIFICATION_DOCUMENTS: 3,
    Matter.TENDER_DOCUMENTS: 3,
    Matter.OPENING: 0,
    Matter.EVALUATION_RESULT: 3,
}


class Status(models.TextChoices):
    LODGED = "lodged", _("Lodged, awaiting the acceptance decision")
    ACCEPTED = "accepted", _("Accepted, under investigation")
    REJECTED = "rejected", _("Not accepted")
    DECIDED = "decided", _("Decided")


class Outcome(models.TextChoices):
    """The written decision (投诉处理办法 20)."""

    DISMISSED = "dismissed", _("Dismissed: the complaint is unfounded")
    UPHELD = "upheld", _("Upheld: the conduct is unlawful and is dealt with")
    PARTLY_UPHELD = "partly_upheld", _("Partly upheld")


class RespondentType(models.TextChoices):
    """被投诉者类别 (national code table dom2001)."""

    LEGAL_PERSON = "1", _("Legal person")
    OTHER_ORGANISATION = "2", _("Other organisation")
    NATURAL_PERSON = "3", _("Natural person")


class Complaint(models.Model):
    number = models.CharField(_("complaint number"), max_length=20, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.LODGED, db_index=True)
    department = models.ForeignKey("duties.Department", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("handling department"))

    # The tender, as the read model knows it when the complaint is lodged.
    tender_code = models.CharField(_("tender project code"), max_length=20, db_index=True)
    tender_name = models.CharField(_("tender project name"), max_length=600)
    lot_code = models.CharField(_("bid section code"), max_length=23, blank=True)
    lot_name = models.CharField(_("bid section name"), max_length=500, blank=True)
    deal_code = models.CharField(_("unified deal code"), max_length=40, blank=True)
    region_code = models.CharField(_("region"), max_length=6, blank=True)
    platform_code = models.CharField(_("trading platform"), max_length=18, blank=True)

    # Complainant (投诉人): a signed-in user; name and contacts are never published.
    complainant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints_lodged")
    complainant_name = models.CharField(_("complainant"), max_length=100)
    complainant_code = models.CharField(_("complainant's credit code"), max_length=18, blank=True)
    complainant_phone = models.CharField(_("phone"), max_length=50)
    complainant_email = models.EmailField(_("e-mail"), max_length=100)

    # Respondent (被投诉人).
    respondent_name = models.CharField(_("respondent"), max_length=200)
    respondent_type = models.CharField(_("respondent type"), max_length=1, choices=RespondentType.choices, default=RespondentType.LEGAL_PERSON)
    respondent_code = models.CharField(_("respondent's code"), max_length=18)

    matter = models.CharField(_("matter complained of"), max_length=30, choices=Matter.choices)
    request_text = models.TextField(_("request"))
    grounds = models.TextField(_("grounds and legal basis"))
    facts = models.TextField(_("facts"))
    known_on = models.DateField(_("known on"), help_text=_("the day the complainant knew or should have known of the conduct"))
    objection_on = models.DateField(_("objection raised on"), null=True, blank=True)
    objection_answer_on = models.DateField(_("objection answered on"), null=True, blank=True)
    objection_answer = models.TextField(_("the tenderer's answer"), blank=True)

    # Time limits (stored when each step starts; see deadlines.py).
    lodged_at = models.DateTimeField(_("lodged at"))
    lodging_last_day = models.DateField(_("last day for lodging"))
    received_on = models.DateField(_("received on"))
    accept_due = models.DateField(_("acceptance due"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    rejection_reasons = models.TextField(_("reasons for not accepting"), blank=True)
    rejected_at = models.DateTimeField(_("not accepted at"), null=True, blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True, help_text=_("empty while the clock is suspended"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    acceptance_overdue_at = models.DateTimeField(_("acceptance overdue since"), null=True, blank=True)
    decision_overdue_at = models.DateTimeField(_("decision overdue since"), null=True, blank=True)

    # The decision (data set 404).
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    handle_result = models.TextField(_("decision"), blank=True)
    handle_basis = models.TextField(_("legal basis of the decision"), blank=True)
    confined_action = models.CharField(_("restricted conduct code"), max_length=2, default="0")
    restriction_start = models.DateTimeField(_("restriction starts"), null=True, blank=True)
    restriction_end = models.DateTimeField(_("restriction ends"), null=True, blank=True)
    enter_credit = models.BooleanField(_("entered into the credit platform"), default=False)
    decided_by_name = models.CharField(_("decided by"), max_length=150, blank=True)
    published_at = models.DateTimeField(_("queued for the hub at"), null=True, blank=True)
    suspension_ref = models.CharField(_("suspension instruction"), max_length=100, blank=True)

    class Meta:
        ordering = ["-lodged_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return f"{self.number} {self.tender_name}"

    @property
    def needs_objection(self) -> bool:
        return self.matter in OBJECTION_FIRST

    @property
    def clock_suspended(self) -> bool:
        return self.status == Status.ACCEPTED and self.decision_due is None


class Evidence(models.Model):
    """A file the complainant (or a party answering a request) supplied."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="complaints/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]


#: What each step kind of the history means, for people (the kinds are stored as keys).
STEP_LABELS = {
    "lodged": pgettext_lazy("complaint step", "Lodged"),
    "accepted": pgettext_lazy("complaint step", "Accepted"),
    "rejected": pgettext_lazy("complaint step", "Not accepted"),
    "referred": pgettext_lazy("complaint step", "Referred to another department"),
    "information_requested": pgettext_lazy("complaint step", "Information requested"),
    "information_answered": pgettext_lazy("complaint step", "Information answered"),
    "clock_suspended": pgettext_lazy("complaint step", "Clock suspended"),
    "clock_resumed": pgettext_lazy("complaint step", "Clock resumed"),
    "tender_suspend": pgettext_lazy("complaint step", "Suspension of the tender ordered"),
    "tender_resume": pgettext_lazy("complaint step", "Resumption of the tender ordered"),
    "decided": pgettext_lazy("complaint step", "Decided"),
    "acceptance_overdue": pgettext_lazy("complaint step", "Acceptance overdue"),
    "decision_overdue": pgettext_lazy("complaint step", "Decision overdue"),
}


class Step(models.Model):
    """The complaint's history, shown on its page (the audit log holds the same, tamper-evident)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    at = models.DateTimeField()
    kind = models.CharField(max_length=30)
    actor_name = models.CharField(max_length=150)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def label(self) -> str:
        """The kind in the user's language (an unknown kind shows as its key)."""
        return str(STEP_LABELS.get(self.kind, self.kind))


class InformationRequest(models.Model):
    """A request for information during the investigation (条例 62)."""

    class Addressee(models.TextChoices):
        COMPLAINANT = "complainant", _("Complainant")
        RESPONDENT = "respondent", _("Respondent")
        TRADING_PLATFORM = "trading_platform", _("Trading platform (supervisory instruction)")
        OTHER = "other", _("Other party")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="requests")
    addressee = models.CharField(_("addressed to"), max_length=20, choices=Addressee.choices)
    addressee_name = models.CharField(_("name"), max_length=200, blank=True)
    question = models.TextField(_("information requested"))
    due_on = models.DateField(_("answer due"))
    sent_at = models.DateTimeField()
    sent_by_name = models.CharField(max_length=150)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    directive_ref = models.CharField(_("instruction"), max_length=100, blank=True)

    class Meta:
        ordering = ["sent_at", "id"]


class Suspension(models.Model):
    """Time for inspection, testing, appraisal or expert review, not counted in the 30 working days (条例 61)."""

    class Reason(models.TextChoices):
        EXPERT_REVIEW = "expert_review", _("Expert review")
        INSPECTION = "inspection", _("Inspection or testing")
        APPRAISAL = "appraisal", _("Appraisal")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.TextField(_("note"), blank=True)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["started_on", "id"]


class HubOutbox(models.Model):
    """A 404 record for the hub, queued in the decision's transaction and delivered in order (like the trading outbox)."""

    dataset = models.CharField(max_length=8)
    key = models.CharField(max_length=200)
    op = models.CharField(max_length=8, default="upsert")
    record = models.JSONField()
    created_at = models.DateTimeField()
    batch = models.BigIntegerField(null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejection = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

"""Evaluation committees, their members, the online evaluation and its report (招标投标法 37–40; 条例 45–53).

A lot that is "opened" in trading tenders gets one committee; the stage of
evaluation is derived from these objects (the lot stays "opened").  Member
names are confidential until the result is published (E133): only
``selectors`` decide who reads them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from etender.trading.accounts.models import Entity
from etender.trading.bids.models import Bid
from etender.trading.tenders.models import Lot


class ExpertLink(models.Model):
    """A local user who is an expert of the hub's pool (the hub's ``etender_expert`` claim, or linked by the operator)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_link")
    expert_ref = models.CharField(_("expert reference"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=50)
    linked_at = models.DateTimeField(_("linked at"))

    class Meta:
        verbose_name = _("expert account")
        verbose_name_plural = _("expert accounts")

    def __str__(self) -> str:
        return f"{self.name} ({self.expert_ref})"


class CommitteeStatus(models.TextChoices):
    DRAFT = "draft", _("composition being set")
    COMMITTED = "committed", _("draw committed")
    DRAWN = "drawn", _("members drawn")
    EVALUATING = "evaluating", _("evaluating")
    REPORTED = "reported", _("report submitted")


class Committee(models.Model):
    """评标委员会 of one lot (E129: ≥ 5 members, odd, experts ≥ 2/3)."""

    class DrawMode(models.TextChoices):
        RANDOM = "random", _("random draw from the provincial pool")
        SPECIAL = "special", _("special project: experts appointed directly (条例 47)")

    class Decision(models.TextChoices):
        NONE = "", _("not decided")
        CONTINUE = "continue", _("continue the evaluation")
        REJECT_ALL = "reject_all", _("reject all bids")

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="committee")
    status = models.CharField(_("status"), max_length=12, choices=CommitteeStatus.choices, default=CommitteeStatus.DRAFT)
    specialties = models.JSONField(_("experts per specialty"), default=list)  # [{"code": "A080101", "count": 3}]
    evaluation_start = models.DateTimeField(_("evaluation start"))
    evaluation_place = models.CharField(_("evaluation place"), max_length=200)
    duration_hours = models.PositiveSmallIntegerField(_("planned duration (hours)"))
    method = models.CharField(_("evaluation method"), max_length=30)
    method_config = models.JSONField(_("method settings"), default=dict)
    draw_mode = models.CharField(_("how experts are chosen"), max_length=8, choices=DrawMode.choices, default=DrawMode.RANDOM)
    special_reason = models.TextField(_("reason for direct appointment"), blank=True)
    # The hub's draw (docs/evaluation.md, interfaces item 1–6).
    draw_id = models.CharField(max_length=64, blank=True)
    draw_commitment = models.CharField(max_length=64, blank=True)
    draw_candidates_digest = models.CharField(max_length=64, blank=True)
    draw_candidate_count = models.JSONField(default=dict, blank=True)
    draw_proof_url = models.CharField(max_length=500, blank=True)
    draw_platform_nonce = models.CharField(max_length=64, blank=True)
    drawn_at = models.DateTimeField(null=True, blank=True)
    polled_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(_("names published at"), null=True, blank=True)
    # The evaluation itself.
    started_at = models.DateTimeField(_("evaluation started at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("evaluation ends at"), null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(_("time extensions"), default=0)
    benchmark_price = models.DecimalField(_("benchmark price"), max_digits=18, decimal_places=2, null=True, blank=True)
    few_bids_decision = models.CharField(_("decision on fewer than 3 valid bids"), max_length=12, choices=Decision.choices, blank=True, default="")
    few_bids_reason = models.TextField(_("reasons of the decision"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("evaluation committee")
        verbose_name_plural = _("evaluation committees")

    def __str__(self) -> str:
        return f"{self.lot.code}"

    @property
    def expert_count(self) -> int:
        return sum(int(s.get("count", 0)) for s in self.specialties)

    @property
    def tender(self):
        return self.lot.tender

    def active_seats(self):
        return self.seats.exclude(status__in=[Seat.Status.REPLACED, Seat.Status.DECLINED]).order_by("position", "id")


class Seat(models.Model):
    """A committee member: a drawn expert or a representative of the tenderer."""

    class Kind(models.TextChoices):
        EXPERT = "expert", _("expert")
        REPRESENTATIVE = "representative", _("tenderer's representative")

    class Status(models.TextChoices):
        NOTIFIED = "notified", _("notified")
        CONFIRMED = "confirmed", _("confirmed")
        DECLINED = "declined", _("declined")
        REPLACED = "replaced", _("replaced")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="seats")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"))
    pseudonym = models.CharField(_("pseudonym"), max_length=20)
    expert_ref = models.CharField(_("expert reference"), max_length=64, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="seats")
    name = models.CharField(_("name"), max_length=50)
    specialty = models.CharField(_("specialty"), max_length=20, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    mobile = models.CharField(_("mobile"), max_length=30, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOTIFIED)
    is_chair = models.BooleanField(_("chair"), default=False)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)  # EXPERT_CHECK_IN_TIME
    time_insufficient = models.BooleanField(_("says the time is insufficient"), default=False)
    replaced_by = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces")
    replaced_at = models.DateTimeField(null=True, blank=True)
    replacement_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["committee", "position", "id"]
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")

    def __str__(self) -> str:
        return self.pseudonym

    @property
    def active(self) -> bool:
        return self.status not in (self.Status.REPLACED, self.Status.DECLINED)


class BidReview(models.Model):
    """The committee's decisions on one bid: 否决 (条例 51, E136), abnormally low price (W137)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="reviews")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    rejected = models.BooleanField(_("rejected"), default=False)
    rejection_item = models.PositiveSmallIntegerField(_("条例 51 item"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason"), blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    rejected_by = models.ForeignKey(Seat, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    abnormally_low = models.BooleanField(_("abnormally low price"), default=False)
    low_explanation_accepted = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "bid"], name="eval_one_review_per_bid")]
        ordering = ["committee", "bid__submitted_at", "bid_id"]


class BidClarification(models.Model):
    """A written clarification request to a bidder through the platform, and its answer (条例 52; E138)."""

    class Kind(models.TextChoices):
        LOW_PRICE = "low_price", _("abnormally low price (W137)")
        OBVIOUS_ERROR = "obvious_error", _("obvious error or unclear wording")

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="clarifications")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    question = models.TextField(_("question"))
    asked_at = models.DateTimeField(_("asked at"))
    due_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answer_files = models.JSONField(default=list, blank=True)  # [{"name","sha256"}] evidence of a low price only
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["asked_at", "id"]


class ScoreSheet(models.Model):
    """One member's independent scores of every valid bid, signed once (E073 after signing; E135 if replaced)."""

    seat = models.OneToOneField(Seat, on_delete=models.CASCADE, related_name="sheet")
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="sheets")
    scores = models.JSONField(default=dict)  # {"<bid id>": {"technical": "28.5", "commercial": "9", "responsive": true, "comment": ""}}
    time_insufficient = models.BooleanField(default=False)
    updated_at = models.DateTimeField()
    signed_at = models.DateTimeField(null=True, blank=True)
    document = models.JSONField(null=True, blank=True)  # the signed canonical document
    signature = models.CharField(max_length=200, blank=True)
    audit_index = models.BigIntegerField(null=True, blank=True)
    void = models.BooleanField(_("void (member replaced)"), default=False)


class EvaluationReport(models.Model):
    """评标报告 (条例 53; 电子办法 34, 40): ranked candidates (≤ 3), dissent, every member's signature."""

    committee = models.OneToOneField(Committee, on_delete=models.PROTECT, related_name="report")
    created_at = models.DateTimeField()
    content = models.JSONField(default=dict)  # the canonical report document members sign
    content_sha256 = models.CharField(max_length=64)
    failed = models.BooleanField(_("no candidate (all bids rejected)"), default=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    platform_signature = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("evaluation report")
        verbose_name_plural = _("evaluation reports")

    def __str__(self) -> str:
        return f"{self.committee.lot.code}"

    @property
    def lot(self) -> Lot:
        return self.committee.lot

    @property
    def candidates(self):
        return self.candidate_set.order_by("rank")

    def pdf_bytes(self) -> bytes:
        from .pdf import report_pdf

        return report_pdf(self)


class Candidate(models.Model):
    """中标候选人 in rank order."""

    report = models.ForeignKey(EvaluationReport, on_delete=models.CASCADE, related_name="candidate_set")
    rank = models.PositiveSmallIntegerField(_("rank"))
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(_("bid price"), max_digits=18, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2, null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["report", "rank"]
        constraints = [models.UniqueConstraint(fields=["report", "rank"], name="eval_candidate_rank_unique")]


class ReportSignature(models.Model):
    """A member's signature of the report, with a dissent in writing if they disagree (条例 53)."""

    report = models.ForeignKey(EvaluationReport, on_delete=models.CASCADE, related_name="signatures")
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="+")
    agrees = models.BooleanField(default=True)
    dissent = models.TextField(_("dissent"), blank=True)
    signed_at = models.DateTimeField()
    signature = models.CharField(max_length=200)
    audit_index = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "seat"], name="eval_one_signature_per_seat")]

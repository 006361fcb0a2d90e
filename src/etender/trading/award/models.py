"""Candidate publicity, objections, award, notices, contract, refunds, the written report and the archive.

Everything after the evaluation report (条例 54–58, 招标投标法 45–47, 电子办法 35–40).  The lot
stays "opened"; its stage is derived from these objects (docs/award.md).  The evaluation report
itself belongs to ``trading.evaluation``: a publicity copies what it publishes of the report's
ranked candidates, so what was shown to the public can never change behind it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from etender.trading.accounts.models import Entity
from etender.trading.bids.models import Bid
from etender.trading.tenders.models import Lot, Tender


class Publicity(models.Model):
    """中标候选人公示 (条例 54; 10号令 6) — national data sets 510 and 511."""

    class Status(models.TextChoices):
        RUNNING = "running", _("publicity running")
        ENDED = "ended", _("publicity ended")

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="publicities")
    number = models.PositiveSmallIntegerField(_("number"), default=1)
    report_ref = models.CharField(_("evaluation report"), max_length=40, help_text="primary key of the evaluation report in trading.evaluation")
    report_received_at = models.DateTimeField(_("evaluation report received"))
    title = models.CharField(_("title"), max_length=600)
    objection_method = models.TextField(_("how to raise an objection"))
    other_content = models.TextField(_("other content"), blank=True)
    published_at = models.DateTimeField(_("published at"))
    start_at = models.DateTimeField(_("publicity starts"))
    end_at = models.DateTimeField(_("publicity ends"))
    minimum_end_at = models.DateTimeField(_("earliest lawful end"))
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("time paused (seconds)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    late = models.BooleanField(_("published after the 3-day limit"), default=False)
    late_reason = models.TextField(_("reason for the late publication"), blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    content_sha256 = models.CharField(max_length=64)
    signature = models.CharField(max_length=200)
    next_check = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("candidate publicity")
        verbose_name_plural = _("candidate publicities")
        ordering = ["lot", "number"]
        constraints = [models.UniqueConstraint(fields=["lot", "number"], name="publicity_number_unique")]

    def __str__(self) -> str:
        return self.title


class Candidate(models.Model):
    """One ranked candidate as published (10号令 6: ranking, name, price, quality, duration, evaluation,
    project manager and certificates, qualification response)."""

    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="candidates")
    rank = models.PositiveSmallIntegerField(_("rank"))
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    price = models.DecimalField(_("bid price"), max_digits=18, decimal_places=2)
    score = models.CharField(_("evaluation result"), max_length=200)
    evaluation_status = models.TextField(_("evaluation status"))
    quality = models.CharField(_("quality"), max_length=200)
    duration_days = models.PositiveIntegerField(_("duration (days)"), null=True, blank=True)
    project_manager = models.CharField(_("project manager"), max_length=100)
    pm_certificates = models.CharField(_("project manager's certificates (name and number)"), max_length=500)
    pm_id_number = models.CharField(_("project manager's ID number"), max_length=50, blank=True, help_text="sent to the supervisor (513 PROJECT_LEAD_ID, secret); never shown publicly")
    qualification = models.TextField(_("qualification conditions as answered"))

    class Meta:
        ordering = ["publicity", "rank"]
        constraints = [models.UniqueConstraint(fields=["publicity", "rank"], name="candidate_rank_unique")]

    def __str__(self) -> str:
        return f"{self.rank} {self.entity.name}"


class Objection(models.Model):
    """异议 to the evaluation result during the publicity (条例 54): pauses the publicity and the award."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting answer")
        ANSWERED = "answered", _("answered")

    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="objections")
    raised_by = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    content = models.TextField(_("objection"))
    raised_at = models.DateTimeField(_("raised at"))
    answer_due = models.DateTimeField(_("answer due before"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection to the evaluation result")
        verbose_name_plural = _("objections to the evaluation result")
        ordering = ["raised_at", "id"]

    @property
    def late(self) -> bool:
        end = self.answered_at
        return end is not None and end >= self.answer_due


class PassReason(models.TextChoices):
    """条例 55: why a state-funded project may award a lower-ranked candidate."""

    GAVE_UP = "gave_up", _("the first-ranked candidate gave up the award")
    CANNOT_PERFORM = "cannot_perform", _("cannot perform the contract (force majeure)")
    NO_PERFORMANCE_SECURITY = "no_security", _("did not provide the performance security required")
    ILLEGAL_CONDUCT = "illegal", _("found to have affected the result by illegal conduct")


class Award(models.Model):
    """定标: the winner of a lot, its notices and what follows."""

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="award")
    publicity = models.ForeignKey(Publicity, on_delete=models.PROTECT, related_name="+")
    winner = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    pass_reason = models.CharField(_("reason for passing over higher ranks"), max_length=20, choices=PassReason.choices, blank=True)
    pass_note = models.TextField(_("explanation"), blank=True)
    decided_at = models.DateTimeField(_("winner decided"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    validity_ends_at = models.DateTimeField(_("bid validity ends"), null=True, blank=True)
    validity_warning = models.BooleanField(_("W143 at the award"), default=False)
    notices_sent_at = models.DateTimeField(_("notices sent"), null=True, blank=True)
    result_published_at = models.DateTimeField(_("result announced"), null=True, blank=True)
    contract_due = models.DateTimeField(_("contract due before"), null=True, blank=True)
    report_due = models.DateTimeField(_("written report due before"))
    draw_revealed_at = models.DateTimeField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True, help_text="rule codes flagged by the chronograph (overdue steps)")
    next_check = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.lot.code} → {self.winner.entity.name}"


class Notice(models.Model):
    """中标通知书 to the winner, 中标结果通知书 to every other bidder (招标投标法 45; 电子办法 36)."""

    class Kind(models.TextChoices):
        AWARD = "award", _("award notice")
        RESULT = "result", _("result notice")

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("notice number"), max_length=60, unique=True)
    content = models.JSONField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    signature = models.CharField(max_length=200)
    sent_at = models.DateTimeField(_("sent at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["award", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["award", "bid"], name="one_notice_per_bid")]


class Contract(models.Model):
    """The written contract, signed on the platform by both parties (招标投标法 46; 条例 57–58; 电子办法 36)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("awaiting signatures")
        SIGNED = "signed", _("signed by both parties")

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="contract")
    code = models.CharField(_("contract number"), max_length=60, unique=True)
    name = models.CharField(_("contract name"), max_length=600)
    price = models.DecimalField(_("contract price"), max_digits=18, decimal_places=2)
    duration_days = models.PositiveIntegerField(_("duration (days)"))
    quality = models.CharField(_("quality"), max_length=200)
    scope = models.TextField(_("scope"))
    performance_security = models.DecimalField(_("performance security"), max_digits=18, decimal_places=2, default=0)
    other_terms = models.TextField(_("other terms"), blank=True)
    created_at = models.DateTimeField()
    content_sha256 = models.CharField(max_length=64)
    tenderer_signed_at = models.DateTimeField(null=True, blank=True)
    tenderer_signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    tenderer_signature = models.CharField(max_length=200, blank=True)
    bidder_signed_at = models.DateTimeField(null=True, blank=True)
    bidder_signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    bidder_signature = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    late = models.BooleanField(default=False)
    late_reason = models.TextField(blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")


class Refund(models.Model):
    """Refund of one bidder's bid security with bank interest (条例 57: within 5 days of the contract)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="refunds")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("bid security"), max_digits=18, decimal_places=2)
    due = models.DateTimeField(_("due before"))
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    refunded_amount = models.DecimalField(_("amount refunded"), max_digits=18, decimal_places=2, null=True, blank=True)
    interest = models.DecimalField(_("bank interest"), max_digits=18, decimal_places=2, null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["award", "id"]

    @property
    def late(self) -> bool:
        return self.refunded_at is not None and self.refunded_at >= self.due


class SupervisorReport(models.Model):
    """招标投标情况书面报告 to the supervising department (招标投标法 47: within 15 days of deciding the winner)."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="report")
    department = models.CharField(_("supervising department"), max_length=200)
    content = models.JSONField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    signature = models.CharField(max_length=200)
    sent_at = models.DateTimeField(_("sent at"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    late = models.BooleanField(default=False)
    late_reason = models.TextField(blank=True)


class ArchiveItem(models.Model):
    """A signed data message of 电子办法 40, archived per tender with its hash and signature (E150)."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("tender announcement")
        DOCUMENT = "document", _("tender documents")
        CLARIFICATION = "clarification", _("clarification or amendment")
        BID = "bid", _("bid")
        BID_CLARIFICATION = "bid_clarification", _("bid clarification")
        OPENING = "opening", _("opening record")
        REPORT = "report", _("evaluation report")
        PUBLICITY = "publicity", _("candidate publicity")
        NOTICE = "notice", _("award or result notice")
        RESULT = "result", _("result announcement")
        CONTRACT = "contract", _("contract")
        SUPERVISOR_REPORT = "supervisor_report", _("written report")

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="archive_items")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    ref = models.CharField(_("reference"), max_length=80)
    title = models.CharField(_("title"), max_length=600)
    media_type = models.CharField(max_length=100, default="application/octet-stream")
    content = models.BinaryField()
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.BigIntegerField(_("size"))
    signer = models.CharField(_("signed by"), max_length=200)
    signature_alg = models.CharField(max_length=20, default="Ed25519")
    signature_key = models.CharField(max_length=200, help_text="public key (base64) that verifies the signature")
    signed_document = models.JSONField(help_text="the canonical document the signature covers")
    signature = models.CharField(max_length=200)
    archived_at = models.DateTimeField(_("archived at"))

    class Meta:
        verbose_name = _("archived record")
        verbose_name_plural = _("archive")
        ordering = ["tender", "archived_at", "id"]
        constraints = [models.UniqueConstraint(fields=["tender", "kind", "ref"], name="archive_item_once")]

    def __str__(self) -> str:
        return self.title

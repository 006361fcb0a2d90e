"""Supervisory instructions received from the hub (电子招标投标办法 52).

The worker polls the hub's inbox (signed request, cursor, long poll), checks the
hub's countersignature, stores each instruction once (by its id), executes what
the platform executes by itself (suspend, resume, terminate), and queues the
signed reports (acknowledged at once; executed when done) that go back through
the hub.  Corrections and information requests are answered by the platform's
operators.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from etender.trading.tenders.models import Tender


class Kind(models.TextChoices):
    SUSPEND = "suspend", _("suspend the tender")
    RESUME = "resume", _("resume the tender")
    CORRECT = "correct", _("order a correction")
    TERMINATE = "terminate", _("terminate the tender")
    INFORM = "inform", _("request information")


class Instruction(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("awaiting execution")
        EXECUTED = "executed", _("executed")

    instruction_id = models.CharField(_("instruction id"), max_length=32, unique=True)
    inbox_seq = models.BigIntegerField()
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, null=True, blank=True, related_name="instructions")
    tender_code = models.CharField(_("tender project code"), max_length=20)
    lot_code = models.CharField(_("lot code"), max_length=40, blank=True)
    department_name = models.CharField(_("supervising department"), max_length=200, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    correction = models.TextField(_("correction required"), blank=True)
    questions = models.JSONField(_("questions"), default=list, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    execute_due_at = models.DateTimeField(_("execute by"), null=True, blank=True)
    envelope = models.JSONField()  # as the hub signed it
    hub_signature = models.CharField(max_length=200)
    received_at = models.DateTimeField(_("received at"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    answer = models.TextField(_("answer / execution report"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("supervisory instruction")
        verbose_name_plural = _("supervisory instructions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.tender_code}"


class Attachment(models.Model):
    """A file the operator attaches to an answer (sent to the supervision platform through the hub)."""

    instruction = models.ForeignKey(Instruction, on_delete=models.PROTECT, related_name="attachments")
    name = models.CharField(_("name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to="directives/%Y/%m/")


class Report(models.Model):
    """A signed report queued for the hub: delivered by the worker, retried until the hub has it."""

    class Kind(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        EXECUTED = "executed", _("executed")

    instruction = models.ForeignKey(Instruction, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    body = models.JSONField()
    signature = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["instruction", "kind"], name="directive_report_once")]


class InboxState(models.Model):
    """One row: the inbox cursor and the hub's relay key pinned at first contact (or ETENDER_HUB_DIRECTIVES_KEY)."""

    cursor = models.BigIntegerField(default=0)
    hub_key = models.CharField(max_length=200, blank=True)
    last_poll_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

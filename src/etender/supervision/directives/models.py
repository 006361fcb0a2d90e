"""Supervisory instructions (电子招标投标办法 52) as the issuing department tracks them.

An instruction is signed by this supervision platform and sent to the hub, which
addresses it to the trading platform the tender comes from.  Tracking follows the
hub's status events: relayed → delivered (hub → platform) → acknowledged →
executed (with the platform's report), and flags overdue acknowledgements and
executions against the due times set at issue.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from etender.supervision.duties.models import Department


class Kind(models.TextChoices):
    SUSPEND = "suspend", _("suspend the tender")
    RESUME = "resume", _("resume the tender")
    CORRECT = "correct", _("order a correction")
    TERMINATE = "terminate", _("terminate the tender")
    INFORM = "inform", _("request information")


class Status(models.TextChoices):
    PENDING = "pending", _("being sent to the hub")
    REFUSED = "refused", _("refused by the hub")
    RELAYED = "relayed", _("relayed by the hub")
    DELIVERED = "delivered", _("delivered to the platform")
    ACKNOWLEDGED = "acknowledged", _("acknowledged")
    EXECUTED = "executed", _("executed")


#: Progress order: a status event never moves an instruction back.
PROGRESS = [Status.PENDING, Status.RELAYED, Status.DELIVERED, Status.ACKNOWLEDGED, Status.EXECUTED]


class Directive(models.Model):
    instruction_id = models.CharField(_("instruction id"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    tender_code = models.CharField(_("tender project code"), max_length=20, db_index=True)
    tender_name = models.CharField(_("tender project name"), max_length=600, blank=True)
    lot_code = models.CharField(_("lot code"), max_length=40, blank=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="directives", verbose_name=_("department"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_by_name = models.CharField(_("issued by"), max_length=150)
    reason = models.TextField(_("reason"))
    correction = models.TextField(_("correction required"), blank=True)
    questions = models.JSONField(_("questions"), default=list, blank=True)
    complaint_id = models.CharField(_("complaint"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    ack_due_at = models.DateTimeField(_("acknowledgement due"))
    execute_due_at = models.DateTimeField(_("execution due"))
    document = models.JSONField()  # exactly what was signed
    signature = models.CharField(max_length=200)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    refused_code = models.CharField(max_length=8, blank=True)
    refused_message = models.CharField(max_length=500, blank=True)
    target_platform = models.CharField(_("trading platform"), max_length=18, blank=True)
    target_platform_name = models.CharField(_("trading platform"), max_length=200, blank=True)
    relayed_at = models.DateTimeField(_("relayed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=40, blank=True)
    report_text = models.TextField(_("execution report"), blank=True)
    report = models.JSONField(null=True, blank=True)  # the platform's signed report as relayed
    report_signature = models.CharField(max_length=200, blank=True)
    ack_overdue_at = models.DateTimeField(_("acknowledgement overdue since"), null=True, blank=True)
    execute_overdue_at = models.DateTimeField(_("execution overdue since"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("supervisory instruction")
        verbose_name_plural = _("supervisory instructions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.tender_code}"


class ReportFile(models.Model):
    """A file the trading platform attached to its execution report (checked against its SHA-256)."""

    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(_("name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to="directives/%Y/%m/")


class StatusCursor(models.Model):
    """One row: how far this platform has read the hub's status events."""

    cursor = models.BigIntegerField(default=0)
    last_poll_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

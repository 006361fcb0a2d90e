"""The relay of supervisory instructions (电子招标投标办法 52) at the public service platform.

A supervision platform's signed instruction is stored here durably, addressed to
the trading platform whose 501 record of the tender the hub holds, and served in
that platform's inbox (per-platform sequence).  Acknowledgements and execution
reports of the trading platform come back as status events, served to the
issuing supervision platform (per-platform sequence).  Every step is idempotent
by the instruction id.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from etender.hub.exchange.models import Platform


class Mailbox(models.Model):
    """A platform's counter: sequences are assigned under this row's lock, held until commit (no gap fills in later)."""

    platform = models.OneToOneField(Platform, on_delete=models.PROTECT, related_name="+")
    last_seq = models.BigIntegerField(default=0)


class Directive(models.Model):
    """One instruction as the supervision platform signed it, and as the hub relays it."""

    instruction_id = models.CharField(_("instruction id"), max_length=64, unique=True)
    supervision = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"))
    target = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+", verbose_name=_("addressed to"))
    kind = models.CharField(_("kind"), max_length=12)
    tender_code = models.CharField(_("tender project code"), max_length=20, db_index=True)
    tender_name = models.CharField(_("tender project name"), max_length=600, blank=True)
    document = models.JSONField()  # exactly as signed by the supervision platform
    supervision_signature = models.CharField(max_length=200)
    digest = models.CharField(max_length=64)  # sha-256 of the canonical document: a retry vs other content
    envelope = models.JSONField()  # what the hub signed for delivery
    hub_signature = models.CharField(max_length=200)
    inbox_seq = models.BigIntegerField()
    received_at = models.DateTimeField(_("received at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("supervisory instruction")
        verbose_name_plural = _("supervisory instructions")
        constraints = [models.UniqueConstraint(fields=["target", "inbox_seq"], name="directive_inbox_seq_once")]

    def __str__(self) -> str:
        return f"{self.instruction_id} {self.kind} {self.tender_code}"


class StatusEvent(models.Model):
    """relayed / delivered / acknowledged / executed, in the order the issuing supervision platform reads them."""

    class Kind(models.TextChoices):
        RELAYED = "relayed", _("relayed")
        DELIVERED = "delivered", _("delivered")
        ACKNOWLEDGED = "acknowledged", _("acknowledged")
        EXECUTED = "executed", _("executed")

    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="events")
    supervision = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+")
    seq = models.BigIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    at = models.DateTimeField()
    report = models.JSONField(null=True, blank=True)  # the trading platform's signed report (acknowledged, executed)
    report_signature = models.CharField(max_length=200, blank=True)
    digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["seq"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "kind"], name="directive_event_once"),
            models.UniqueConstraint(fields=["supervision", "seq"], name="directive_status_seq_once"),
        ]

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEntry(models.Model):
    """A disclosable record for the hub, written in the transaction of the business change.

    Entries are delivered in id order, in batches whose membership is fixed
    before the first attempt, so a retried batch is byte-for-byte the same
    and the hub's (platform, sequence) idempotency can recognise it.
    """

    dataset = models.CharField(_("data set"), max_length=8)
    key = models.CharField(_("record key"), max_length=200)
    op = models.CharField(max_length=8, default="upsert")
    record = models.JSONField()
    created_at = models.DateTimeField(_("created at"))
    batch = models.BigIntegerField(_("batch sequence"), null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("refused by the hub at"), null=True, blank=True)
    rejection = models.TextField(_("the hub's reason"), blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["id"], condition=models.Q(delivered_at__isnull=True), name="outbox_undelivered")]
        verbose_name = _("outbox entry")
        verbose_name_plural = _("outbox entries")


class DeliveryState(models.Model):
    """One row: the state of delivery to the hub (attempts, back-off, last error)."""

    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

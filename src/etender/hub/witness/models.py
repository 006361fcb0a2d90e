"""The hub as witness of the platforms' operation logs (docs/witness.md).

For each platform log (identified by its origin) the witness keeps the latest
checkpoint it cosigned and the history of every checkpoint it cosigned; an
alert holds the evidence when a log signed two checkpoints that cannot both
be true.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from etender.hub.exchange.models import Platform


class WitnessedLog(models.Model):
    """A platform's log as the witness knows it: one log per platform, bound to its origin on first contact."""

    origin = models.CharField(_("log origin"), max_length=255, unique=True)
    platform = models.OneToOneField(Platform, on_delete=models.PROTECT, related_name="witnessed_log", verbose_name=_("platform"))
    size = models.BigIntegerField(_("tree size"), default=0)
    root = models.CharField(_("root hash"), max_length=64, blank=True, default="")  # hex; "" before the first cosignature
    note = models.TextField(_("cosigned checkpoint"), blank=True, default="")
    cosignature = models.TextField(_("cosignature"), blank=True, default="")
    cosigned_at = models.DateTimeField(_("cosigned at"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"))
    last_refusal_code = models.CharField(max_length=8, blank=True, default="")
    last_refusal_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["origin"]
        verbose_name = _("witnessed log")
        verbose_name_plural = _("witnessed logs")

    def __str__(self) -> str:
        return f"{self.origin} @ {self.size}"


class WitnessedCheckpoint(models.Model):
    """Every checkpoint the witness cosigned: at most one per (log, size), so a second root for a size is a fork."""

    log = models.ForeignKey(WitnessedLog, on_delete=models.PROTECT, related_name="checkpoints")
    size = models.BigIntegerField()
    root = models.CharField(max_length=64)
    note = models.TextField()  # as received, with the witness's cosignature added
    cosignature = models.TextField()  # the witness's signature line
    timestamp = models.BigIntegerField()  # POSIX seconds in the cosignature
    cosigned_at = models.DateTimeField()

    class Meta:
        ordering = ["log", "size"]
        constraints = [models.UniqueConstraint(fields=["log", "size"], name="witnessed_checkpoint_once")]


class WitnessAlert(models.Model):
    """Evidence that a platform's log signed two checkpoints that cannot both be true (a fork or a rewritten history)."""

    class Kind(models.TextChoices):
        FORK = "fork", _("two different roots for one tree size")
        INCONSISTENT = "inconsistent", _("a signed checkpoint that does not extend the witnessed one")

    log = models.ForeignKey(WitnessedLog, on_delete=models.PROTECT, related_name="alerts")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+")
    origin = models.CharField(max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    witnessed_size = models.BigIntegerField()
    witnessed_root = models.CharField(max_length=64)
    witnessed_note = models.TextField()  # signed by the log, cosigned by this witness
    submitted_size = models.BigIntegerField()
    submitted_root = models.CharField(max_length=64)
    submitted_note = models.TextField()  # signed by the log, refused
    old_size = models.BigIntegerField()  # as sent with the submission
    proof = models.JSONField(default=list)  # base64 hashes, as sent
    implied_old_root = models.CharField(max_length=64, blank=True, default="")  # inconsistent: the old root the proof rebuilds
    log_verifier_key = models.CharField(max_length=400)
    detected_at = models.DateTimeField(_("detected at"))
    last_seen_at = models.DateTimeField()
    occurrences = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("witness alert")
        verbose_name_plural = _("witness alerts")
        constraints = [models.UniqueConstraint(fields=["log", "kind", "submitted_size", "submitted_root"], name="witness_alert_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.origin} {self.witnessed_size}/{self.submitted_size}"

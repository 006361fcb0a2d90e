"""Registered platforms, received batches, current records and the change feed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.Model):
    """A trading or supervision platform registered with this hub (电子办法 10, 45)."""

    class Kind(models.TextChoices):
        TRADING = "trading", _("trading platform")
        SUPERVISION = "supervision", _("supervision platform")
        HUB = "hub", _("lower-level public service platform")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")

    code = models.CharField(_("operator's credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.TRADING)
    url = models.URLField(_("address"), blank=True)
    public_key = models.CharField(_("signing public key"), max_length=200, help_text="base64 Ed25519 key that signs the platform's batches")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    region_code = models.CharField(_("jurisdiction"), max_length=6, blank=True, help_text="supervision platforms: the region whose records they see in full (e.g. 330000 the province, 330100 a city)")
    registered_at = models.DateTimeField(_("registered at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("registered platform")
        verbose_name_plural = _("registered platforms")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Batch(models.Model):
    """A batch as received: idempotent by (platform, sequence); the digest tells a retry from a forgery."""

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="batches")
    sequence = models.BigIntegerField()
    digest = models.CharField(max_length=64)
    records = models.PositiveIntegerField()
    received_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "sequence"], name="batch_once")]


class Record(models.Model):
    """The current version of one exchanged record."""

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="records")
    dataset = models.CharField(max_length=8)
    key = models.CharField(max_length=200)
    version = models.PositiveIntegerField(default=1)
    deleted = models.BooleanField(default=False)
    data = models.JSONField()
    exchanged_at = models.DateTimeField()
    # The trading platform the record comes from: the sender itself, or, for records forwarded by a lower-level hub, the original one.
    origin_code = models.CharField(max_length=18, default="")
    origin_name = models.CharField(max_length=200, default="")
    region_code = models.CharField(max_length=6, default="", db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "key"], name="record_key_unique")]


class UniqueValue(models.Model):
    """The values of UniqueValue fields (e.g. 500 PROJECT_NAME) held by current records, for indexed uniqueness checks."""

    dataset = models.CharField(max_length=8)
    field = models.CharField(max_length=40)
    value = models.CharField(max_length=2000)
    key = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "field", "value"], name="unique_value_once")]
        indexes = [models.Index(fields=["dataset", "key"], name="unique_value_key")]


class FeedEntry(models.Model):
    """The change feed: ``seq`` is assigned under a lock held until commit, so readers never see a gap fill in later."""

    seq = models.BigIntegerField(primary_key=True)
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="feed")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="+")
    dataset = models.CharField(max_length=8)
    key = models.CharField(max_length=200)
    op = models.CharField(max_length=8)
    version = models.PositiveIntegerField()
    data = models.JSONField()
    exchanged_at = models.DateTimeField()
    origin_code = models.CharField(max_length=18, default="")
    origin_name = models.CharField(max_length=200, default="")
    region_code = models.CharField(max_length=6, default="")

    class Meta:
        ordering = ["seq"]


class ForwardState(models.Model):
    """One row: forwarding of this hub's feed to the upper-level hub (电子办法 45).

    The feed is the outbox: batch n is the feed entries ``first..last``, fixed
    before its first attempt, sent with sequence ``first`` so that a retry is
    recognised by the upper hub's (platform, sequence) idempotency.
    """

    forwarded = models.BigIntegerField(default=0)
    pending_first = models.BigIntegerField(null=True)
    pending_last = models.BigIntegerField(null=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)

"""Sealed bids, their receipts and the opening record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from etender.trading.accounts.models import Entity
from etender.trading.tenders.models import Custodian, Lot


class BidStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    WITHDRAWN = "withdrawn", _("withdrawn before the deadline")
    INCOMPLETE = "incomplete", _("upload unfinished at the deadline (withdrawn)")
    OPENED = "opened", _("decrypted")
    REVOKED = "revoked", _("deemed revoked (视为撤销)")
    DEEMED_WITHDRAWN = "deemed_withdrawn", _("deemed withdrawn (视为撤回)")


class Bid(models.Model):
    """One bidder's bid for one lot; the current sealed envelope is kept in BidEnvelope."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="bids")
    bidder = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="bids")
    consortium_members = models.JSONField(_("consortium members"), default=list, blank=True)
    joint_agreement = models.BooleanField(_("joint bidding agreement provided"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=BidStatus.choices, default=BidStatus.INCOMPLETE)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    security_forfeitable = models.BooleanField(_("bid security may be kept"), default=False)
    # Filled at opening.
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    price = models.DecimalField(_("bid price"), max_digits=18, decimal_places=2, null=True, blank=True)
    form = models.JSONField(_("bid form"), default=dict, blank=True)
    failure = models.CharField(_("decryption failure"), max_length=300, blank=True)
    opened_dek = models.CharField(_("data key used at the opening"), max_length=64, blank=True, help_text="published with the opening evidence; useless before the opening")
    opened_by = models.CharField(_("opened through"), max_length=12, blank=True, help_text="bidder or custodians")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["lot", "submitted_at", "id"]
        constraints = [models.UniqueConstraint(fields=["lot", "bidder"], name="one_bid_per_bidder_per_lot")]

    def __str__(self) -> str:
        return f"{self.lot.code} {self.bidder.name}"

    @property
    def current(self) -> BidEnvelope | None:
        return self.envelopes.filter(committed_at__isnull=False, superseded=False).order_by("-committed_at").first()


class BidEnvelope(models.Model):
    """A sealed envelope as uploaded; committed when the bidder confirms submission.

    An upload that is not committed by the deadline never counts (电子办法 27:
    an unfinished transfer is treated as withdrawn).
    """

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="envelopes")
    file = models.FileField(upload_to="bids/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    header = models.JSONField()
    signature_key_id = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    committed_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)
    consortium_members = models.JSONField(default=list, blank=True)
    joint_agreement = models.BooleanField(default=False)
    receipt = models.JSONField(null=True, blank=True)
    receipt_signature = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


class OpeningRecord(models.Model):
    """开标记录 — national data set 506, one per lot, published to all bidders."""

    lot = models.OneToOneField(Lot, on_delete=models.PROTECT, related_name="opening_record")
    opened_at = models.DateTimeField(_("opening time"))
    finished_at = models.DateTimeField(_("finished at"))
    rows = models.JSONField()
    content_sha256 = models.CharField(max_length=64)
    signature = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("opening record")
        verbose_name_plural = _("opening records")

    def __str__(self) -> str:
        return f"{self.lot.code}"


class ShareRelease(models.Model):
    """A custodian's decrypted share of one bid's data key, released after the deadline."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="shares")
    custodian = models.ForeignKey(Custodian, on_delete=models.PROTECT, related_name="releases")
    share = models.CharField(max_length=64)
    released_at = models.DateTimeField()
    valid = models.BooleanField(null=True, help_text="set when the data key is recovered: did this share fit the committed key?")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["bid", "custodian"], name="one_share_per_custodian")]

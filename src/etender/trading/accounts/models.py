from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Entity(models.Model):
    """A market entity registered on this platform (电子办法 9: free registration).

    Identified by its 统一社会信用代码 (GB 32100).  One entity may act in
    several roles (a design institute can tender one project and bid for
    another).
    """

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_tenderer = models.BooleanField(_("tenderer"), default=False)
    is_agency = models.BooleanField(_("tendering agency"), default=False)
    is_bidder = models.BooleanField(_("bidder"), default=False)
    is_platform_operator = models.BooleanField(_("operates this platform"), default=False)
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    legal_rep_digest = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the legal representative's ID number; compared, never shown")
    controller_code = models.CharField(_("controlling entity's credit code"), max_length=18, blank=True)
    region_code = models.CharField(_("region"), max_length=6)
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    email = models.EmailField(_("email"), blank=True)
    registered_at = models.DateTimeField(_("registered at"))

    class Meta:
        verbose_name = _("market entity")
        verbose_name_plural = _("market entities")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"

    @property
    def roles(self) -> list[str]:
        return [r for r in ("tenderer", "agency", "bidder") if getattr(self, f"is_{r}")]


class Membership(models.Model):
    """A user account belongs to exactly one entity; platform staff belong to none."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("entity administrator")
        STAFF = "staff", _("staff member")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.entity.name}"


class BidderKey(models.Model):
    """A bidder's public keys for sealing bids (envelope v1, suite intl-v1).

    The private keys never leave the bidder: they are generated offline by
    ``etender bid keygen``; only the public half is registered here.
    """

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="keys")
    key_id = models.CharField(_("key id"), max_length=64, unique=True)
    suite = models.CharField(max_length=20, default="intl-v1")
    encryption_public = models.CharField(max_length=200)
    signing_public = models.CharField(max_length=200)
    registered_at = models.DateTimeField(_("registered at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bidder key")
        verbose_name_plural = _("bidder keys")
        ordering = ["-registered_at"]

    def __str__(self) -> str:
        return f"{self.entity.name} {self.key_id}"


class HubIdentity(models.Model):
    """A local user who signs in with an account of the public service platform (OIDC issuer + subject).

    Such users have no local password; ``entity_code`` and ``verified`` are
    what the hub said at the last sign-in (docs/identity.md).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_identity")
    issuer = models.CharField(_("identity provider"), max_length=200)
    subject = models.CharField(_("subject identifier"), max_length=255)
    entity_code = models.CharField(_("unified social credit code"), max_length=18)
    verified = models.BooleanField(_("verified by the public service platform"), default=False)
    linked_at = models.DateTimeField(_("linked at"))
    last_sign_in_at = models.DateTimeField(_("last sign-in"))

    class Meta:
        verbose_name = _("public service platform account")
        verbose_name_plural = _("public service platform accounts")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="hub_identity_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.subject})"

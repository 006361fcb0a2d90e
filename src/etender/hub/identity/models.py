"""Market entities registered once at the hub, their users, qualifications and certificates (电子办法 44(4), 45).

A market entity registers here once, free of charge (电子办法 45), and its
users sign in on every trading and supervision platform with the one hub
account (the hub is their OpenID Connect provider, see docs/identity.md).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MarketEntity(models.Model):
    """A tenderer, tendering agency or bidder, identified by its 统一社会信用代码 (GB 32100)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting verification")
        VERIFIED = "verified", _("verified")
        SUSPENDED = "suspended", _("suspended")

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_tenderer = models.BooleanField(_("tenderer"), default=False)
    is_agency = models.BooleanField(_("tendering agency"), default=False)
    is_bidder = models.BooleanField(_("bidder"), default=False)
    legal_representative = models.CharField(_("legal representative"), max_length=50)
    region_code = models.CharField(_("region"), max_length=6)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("email"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    status_note = models.CharField(_("status note"), max_length=300, blank=True)
    registered_at = models.DateTimeField(_("registered at"))
    updated_at = models.DateTimeField(_("updated at"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.CharField(_("verified by"), max_length=150, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("market entity")
        verbose_name_plural = _("market entities")

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"

    @property
    def roles(self) -> list[str]:
        return [r for r in ("tenderer", "agency", "bidder") if getattr(self, f"is_{r}")]

    @property
    def verified(self) -> bool:
        return self.status == self.Status.VERIFIED


class Qualification(models.Model):
    """A qualification certificate (资质证书) as declared by the entity."""

    entity = models.ForeignKey(MarketEntity, on_delete=models.CASCADE, related_name="qualifications")
    name = models.CharField(_("certificate name"), max_length=100)
    number = models.CharField(_("certificate number"), max_length=100)
    level = models.CharField(_("level"), max_length=50, blank=True)
    issuer = models.CharField(_("issued by"), max_length=100)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")

    def __str__(self) -> str:
        return f"{self.name} {self.number}"


class Contact(models.Model):
    """A contact person of the entity; shown to registered platforms and hub staff only (个人信息保护法)."""

    entity = models.ForeignKey(MarketEntity, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("contact person"), max_length=50)
    title = models.CharField(_("responsibility"), max_length=50, blank=True)
    phone = models.CharField(_("contact phone"), max_length=30)
    email = models.EmailField(_("email"), blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class Certificate(models.Model):
    """A digital certificate or public key issued to the entity by an electronic certification service (电子办法 44(4)).

    Keys of different issuers and algorithms sit side by side, so that a
    signature made with any of them can be checked on every platform.
    ``public_key`` is the SubjectPublicKeyInfo in PEM whatever the input form;
    ``fingerprint`` is the SHA-256 of its DER.
    """

    class Algorithm(models.TextChoices):
        SM2 = "SM2", "SM2"
        RSA = "RSA", "RSA"
        ED25519 = "Ed25519", "Ed25519"

    entity = models.ForeignKey(MarketEntity, on_delete=models.CASCADE, related_name="certificates")
    ca_name = models.CharField(_("certification authority"), max_length=100)
    algorithm = models.CharField(_("algorithm"), max_length=8, choices=Algorithm.choices)
    public_key = models.TextField(_("public key"))
    certificate = models.TextField(_("certificate"), blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, unique=True)
    serial = models.CharField(_("serial number"), max_length=100, blank=True)
    subject = models.CharField(_("certificate subject"), max_length=300, blank=True)
    valid_from = models.DateTimeField(_("valid from"), null=True, blank=True)
    valid_until = models.DateTimeField(_("valid until"))
    registered_at = models.DateTimeField(_("registered at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-registered_at", "-id"]
        verbose_name = _("digital certificate")
        verbose_name_plural = _("digital certificates")

    def __str__(self) -> str:
        return f"{self.ca_name} {self.algorithm} {self.fingerprint[:16]}"


class EntityUser(models.Model):
    """A hub account belongs to exactly one entity; ``subject`` is its stable OpenID Connect ``sub``."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("entity administrator")
        STAFF = "staff", _("staff member")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_account")
    entity = models.ForeignKey(MarketEntity, on_delete=models.PROTECT, related_name="users")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)
    subject = models.UUIDField(_("subject identifier"), unique=True, default=uuid.uuid4, editable=False)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("entity user")
        verbose_name_plural = _("entity users")

    def __str__(self) -> str:
        return f"{self.user} @ {self.entity.name}"

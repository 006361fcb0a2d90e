"""Users of market entities who sign in on the supervision platform with their hub account (complaints come later)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class HubIdentity(models.Model):
    """A local user linked to an account of the public service platform (OIDC issuer + subject).

    The entity is recorded as the hub described it at the last sign-in; these
    users have no local password and no staff rights.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_identity")
    issuer = models.CharField(_("identity provider"), max_length=200)
    subject = models.CharField(_("subject identifier"), max_length=255)
    entity_code = models.CharField(_("unified social credit code"), max_length=18)
    entity_name = models.CharField(_("entity name"), max_length=200)
    entity_roles = models.JSONField(_("roles"), default=list)
    verified = models.BooleanField(_("verified by the public service platform"), default=False)
    linked_at = models.DateTimeField(_("linked at"))
    last_sign_in_at = models.DateTimeField(_("last sign-in"))

    class Meta:
        verbose_name = _("public service platform account")
        verbose_name_plural = _("public service platform accounts")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="people_hub_identity_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.entity_name}"

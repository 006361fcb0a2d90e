from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "etender.hub.portal"
    label = "portal"
    verbose_name = _("Public service portal")
    default_auto_field = "django.db.models.BigAutoField"

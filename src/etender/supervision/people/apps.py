from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "etender.supervision.people"
    label = "people"
    verbose_name = _("Market entity users")
    default_auto_field = "django.db.models.BigAutoField"

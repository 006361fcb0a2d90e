from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "etender.supervision.duties"
    label = "duties"
    verbose_name = _("Supervision duties")
    default_auto_field = "django.db.models.BigAutoField"

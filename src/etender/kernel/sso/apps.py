from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "etender.kernel.sso"
    label = "sso"
    verbose_name = _("Sign-in with the public service platform")

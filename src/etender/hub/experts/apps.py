from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.hub.experts"
    label = "experts"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "评标专家库 / Expert pool"

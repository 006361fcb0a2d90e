from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.supervision.monitor"
    label = "monitor"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "实时监测 / Monitoring"

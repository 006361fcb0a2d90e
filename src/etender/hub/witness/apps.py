from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.hub.witness"
    label = "witness"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "日志见证 / Log witness"

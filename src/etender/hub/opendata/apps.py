from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.hub.opendata"
    label = "opendata"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "开放数据 / Open data"

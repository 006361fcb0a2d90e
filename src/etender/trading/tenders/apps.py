from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.trading.tenders"
    label = "tenders"
    default_auto_field = "django.db.models.BigAutoField"

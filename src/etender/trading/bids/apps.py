from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.trading.bids"
    label = "bids"
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.trading.evaluation"
    label = "evaluation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "评标 / Evaluation"

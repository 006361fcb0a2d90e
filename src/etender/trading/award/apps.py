from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.trading.award"
    label = "award"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "定标与合同 / Award and contract"

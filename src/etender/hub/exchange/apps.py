from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.hub.exchange"
    label = "exchange"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "数据交换 / Data exchange"

from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.trading.outbox"
    label = "outbox"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "数据交换发件箱 / Exchange outbox"

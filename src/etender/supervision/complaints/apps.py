from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.supervision.complaints"
    label = "complaints"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "投诉处理 / Complaints"

from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "etender.kernel.web"
    label = "web"
    verbose_name = "Web"
    default_auto_field = "django.db.models.BigAutoField"

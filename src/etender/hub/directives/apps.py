from django.apps import AppConfig


class Config(AppConfig):
    name = "etender.hub.directives"
    label = "directives"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "监督指令中转 / Supervisory instruction relay"
